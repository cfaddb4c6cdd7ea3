import { Field, Float, InputType } from '@nestjs/graphql';
import { INSTRUMENTS } from '@kring/domain';
import { IsBoolean, IsIn, IsNumber } from 'class-validator';
import { CommandInput, DateField, IdField, IdListField, TextField, WeeksField } from '../graphql/input-fields';
import { NAME_LENGTH, TEXT_LENGTH } from '../network/network.inputs';

@InputType('RegisterParticipantInput')
export class RegisterParticipantInput extends CommandInput {
  @TextField(NAME_LENGTH, { description: 'personal data: protected, erasable' }) displayName!: string;
  @TextField(NAME_LENGTH) municipality!: string;
  @Field(() => Boolean) @IsBoolean() consentToEvaluation!: boolean;
}

@InputType('SetIndividualSupportInput')
export class SetIndividualSupportInput extends CommandInput {
  @IdField() participantId!: string;
  @WeeksField('individual professional contact once every N weeks') everyWeeks!: number;
  @DateField() on!: string;
}

@InputType('ChangeSupportInput')
export class ChangeSupportInput extends CommandInput {
  @IdField() participantId!: string;
  @WeeksField() toEveryWeeks!: number;
  @TextField(TEXT_LENGTH) reason!: string;
  @DateField() on!: string;
}

@InputType('ShareInformationInput')
export class ShareInformationInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(NAME_LENGTH, { description: 'sensitive: e.g. "schulden"' }) topic!: string;
  @IdListField(1, 'members or staff ids') sharedWith!: string[];
  @DateField() on!: string;
}

@InputType('UnshareInformationInput')
export class UnshareInformationInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(NAME_LENGTH) topic!: string;
  @IdListField(1) from!: string[];
  @DateField() on!: string;
}

@InputType('RecordOutcomeInput')
export class RecordOutcomeInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(NAME_LENGTH, {
    description: `one of ${Object.keys(INSTRUMENTS).join(', ')}: "DJG6" (De Jong Gierveld, 0-6), "ZRM" (1-5 per domain, mean)`,
  })
  @IsIn(Object.keys(INSTRUMENTS), { message: `instrument must be one of ${Object.keys(INSTRUMENTS).join(', ')}, exactly as written` })
  instrument!: string;
  @Field(() => Float, { description: "within the instrument's range" }) @IsNumber({ allowNaN: false, allowInfinity: false }) score!: number;
  @DateField() measuredOn!: string;
}

@InputType('ForgetParticipantInput')
export class ForgetParticipantInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(TEXT_LENGTH) reason!: string;
}

@InputType('RecordTalentInput', { description: 'A talent (talent) the participant can put to use for others' })
export class RecordTalentInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(NAME_LENGTH) talent!: string;
  @DateField() on!: string;
}

@InputType('AnswerCoreQuestionsInput', { description: 'The three core questions of a steunkring, answered by the resident' })
export class AnswerCoreQuestionsInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(TEXT_LENGTH, { description: 'Wat wil ik?' }) want!: string;
  @TextField(TEXT_LENGTH, { description: 'Wat kan ik?' }) can!: string;
  @TextField(TEXT_LENGTH, { description: 'Wat heb ik nodig?' }) need!: string;
  @DateField() on!: string;
}

@InputType('RegisterHelpQuestionInput', { description: 'An individual help question (hulpvraag)' })
export class RegisterHelpQuestionInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(TEXT_LENGTH) question!: string;
  @DateField() on!: string;
}

@InputType('BundleHelpQuestionInput', { description: 'Brings a help question into a question group (vraaggroep)' })
export class BundleHelpQuestionInput extends CommandInput {
  @IdField() participantId!: string;
  @IdField() questionId!: string;
  @IdField() networkId!: string;
  @DateField() on!: string;
}

@InputType('ConsentInput')
export class ConsentInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(NAME_LENGTH, { description: 'what the consent is for, e.g. "evaluation"' }) purpose!: string;
  @DateField() on!: string;
}
