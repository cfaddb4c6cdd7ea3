import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROLES, isRole } from '@kring/domain';
import type { AuthConfig } from '../auth/auth-config';
import { signDevToken } from '../auth/dev-token';
import { AUTH_CONFIG } from '../auth/token-verifier';
import { ASSETS, PAGE_CSS, PAGE_POLICY, PAGE_SCRIPT, pageHtml } from './ide-page';

/** How long a token the page hands out lives. */
const DEV_TOKEN_HOURS = 8;

/**
 * `/`: a page to try the API in a browser. In development (not NODE_ENV=production, tokens checked with
 * a shared secret) it also hands out a token for a chosen role, to a browser on this machine only.
 */
@Controller()
export class IdeController {
  private readonly devTokens: boolean;

  constructor(@Inject(AUTH_CONFIG) private readonly auth: AuthConfig) {
    this.devTokens = process.env.NODE_ENV !== 'production' && auth.kind === 'secret';
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', PAGE_POLICY)
  page(): string {
    return pageHtml(this.devTokens ? ROLES : undefined);
  }

  @Get('ide/kring-ide.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return PAGE_SCRIPT;
  }

  @Get('ide/kring-ide.css')
  @Header('content-type', 'text/css; charset=utf-8')
  style(): string {
    return PAGE_CSS;
  }

  @Get('ide/dev-token')
  async devToken(@Query('role') role: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.ip);
    if (!this.devTokens || !local) {
      reply.status(403);
      return { message: 'Development tokens are handed out only in development, to a browser on the same machine' };
    }
    if (!isRole(role)) {
      reply.status(400);
      return { message: `role must be one of ${ROLES.join(', ')}` };
    }
    const token = await signDevToken(
      this.auth,
      { sub: `dev-${role.toLowerCase()}`, roles: [role], name: `Development ${role}` },
      DEV_TOKEN_HOURS * 3600,
    );
    return { token, hours: DEV_TOKEN_HOURS };
  }

  @Get('ide/:asset')
  async asset(@Param('asset') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException(`No file ${name} here`);
    reply.header('content-type', `${asset.type}; charset=utf-8`).header('cache-control', 'public, max-age=86400');
    // Beside the package's package.json: these files are outside what the packages export to code.
    return readFile(join(dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file));
  }
}
