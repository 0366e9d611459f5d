/** Token endpoint `POST /accounts/{aid}/auth/token` (SPEC-TS:583, operation aid_auths_oauth_token_post SPEC-TS:8638). */
import { z } from "zod"

/** SPEC-TS:6516 AuthToken `{grant_type}` plus `audience` = `https://api.dintero.com/v1/accounts/{aid}` (DOCS:authentication). */
export const TokenRequest = z.strictObject({
  grant_type: z.literal("client_credentials"),
  audience: z.string().regex(/^https:\/\/api\.dintero\.com\/v1\/accounts\/[PT]\d+$/, "must be https://api.dintero.com/v1/accounts/{aid}"),
})
export type TokenRequest = z.infer<typeof TokenRequest>

/** SPEC-TS:6519 AccessToken: `access_token`, `token_type: "Bearer"`, `expires_in` (seconds). */
export const AccessTokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
})
export type AccessTokenResponse = z.infer<typeof AccessTokenResponse>
