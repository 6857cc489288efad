// Redaction of secrets in anything shown to the user.
export const REDACTED = '********'

export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED)
  return out
}
