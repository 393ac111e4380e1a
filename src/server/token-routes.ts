/**
 * The admin routes of `/api/v1`: tokens (create, list, revoke) and the audit log. Registered inside
 * the API's plugin, so authentication and roles (auth.ts) apply as to every API route.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { pageOfAudit } from '../engine/paged-lists.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../engine/pages.js';
import { ROLES } from '../model/index.js';
import type { Store } from '../store/store.js';
import { errorResponses } from './schemas.js';
import type { StoreTokenAdmin, TokenVerifier } from './tokens.js';

export interface TokenRoutesOptions {
  admin: StoreTokenAdmin;
  verifier: TokenVerifier;
  store: Store;
}

const TAGS = ['tokens'];
const Role = Type.Unsafe<(typeof ROLES)[number]>({ type: 'string', enum: [...ROLES] });
const EpochMs = (description: string) => Type.Integer({ description: `${description} (epoch milliseconds)` });

const TokenViewSchema = Type.Object(
  {
    id: Type.String({ description: 'the public part of the token (strata_<id>_<secret>)' }),
    name: Type.String(),
    role: Role,
    createdAt: EpochMs('creation time'),
    expiresAt: Type.Union([EpochMs('expiry'), Type.Null()]),
    revokedAt: Type.Union([EpochMs('revocation time'), Type.Null()]),
  },
  { additionalProperties: false },
);

const CreateTokenBody = Type.Object(
  {
    role: Role,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'default <role>-<id>' })),
    expiresAt: Type.Optional(EpochMs('when it stops working; default never')),
  },
  { additionalProperties: false },
);
type CreateTokenBody = Static<typeof CreateTokenBody>;

const TokenParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{12}$', description: 'the token id' }) },
  { additionalProperties: false },
);
type TokenParams = Static<typeof TokenParams>;

const AuditQuery = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'only events with seq greater than this' })),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PAGE_SIZE,
        description: `page size (default ${DEFAULT_PAGE_SIZE})`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({ maxLength: 512, description: 'the nextCursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);
type AuditQuery = Static<typeof AuditQuery>;

export const tokenRoutes: FastifyPluginAsync<TokenRoutesOptions> = async (
  app,
  { admin, verifier, store },
) => {
  app.post<{ Body: CreateTokenBody }>(
    '/tokens',
    {
      config: { role: 'admin', audit: true },
      schema: {
        operationId: 'createToken',
        summary: 'Make a token; its secret (`token`) is in this answer only',
        tags: TAGS,
        body: CreateTokenBody,
        response: {
          201: Type.Object(
            {
              token: Type.String({ description: 'strata_<id>_<secret>: keep it secret' }),
              ...TokenViewSchema.properties,
            },
            { additionalProperties: false },
          ),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { role, name, expiresAt } = request.body;
      const issued = await admin.createToken({
        role,
        ...(name !== undefined ? { name } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
      return reply.status(201).send(issued);
    },
  );

  app.get(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'listTokens',
        summary: 'Every token, oldest first (revoked and expired ones included), without secrets',
        tags: TAGS,
        response: { 200: Type.Array(TokenViewSchema), ...errorResponses },
      },
    },
    async () => admin.listTokens(),
  );

  app.delete<{ Params: TokenParams }>(
    '/tokens/:id',
    {
      config: { role: 'admin', audit: true },
      schema: {
        operationId: 'revokeToken',
        summary: 'Revoke a token: every server sharing the store refuses it within seconds',
        tags: TAGS,
        params: TokenParams,
        response: { 200: TokenViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const view = await admin.revokeToken(request.params.id);
      verifier.forget(view.id);
      return view;
    },
  );

  app.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'listAudit',
        summary:
          'Audit events (who changed what), oldest first, a page at a time; poll with `after` = last seq seen',
        tags: TAGS,
        querystring: AuditQuery,
        response: { 200: Type.Ref('EventRecordPage'), ...errorResponses },
      },
    },
    async (request) =>
      pageOfAudit(store, {
        ...(request.query.after !== undefined ? { afterSeq: request.query.after } : {}),
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
      }),
  );
};
