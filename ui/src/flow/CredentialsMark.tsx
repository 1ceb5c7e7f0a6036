import type { Output } from '@reelgraph/protocol';

/** The "content credentials" mark of a signed output (docs/security.md), with the details on hover. */
export function CredentialsMark({ meta }: { meta: Extract<Output, { kind: 'file' }>['meta'] }) {
  const c = meta?.credentials as
    | { signed: true; issuer: string; development: boolean; ms: number }
    | { signed: false; reason: string }
    | undefined;
  if (!c) return null;
  const details = c.signed
    ? `Content credentials (C2PA): made by Reelgraph with a trained model; signed by ${c.issuer}` +
      (c.development ? ' (a development signer: verifiers report it as untrusted)' : '') +
      '. Check with: reelgraph verify <file>'
    : `No content credentials: ${c.reason}`;
  return (
    <span
      className={`rg-credentials ${c.signed ? (c.development ? 'dev' : 'signed') : 'unsigned'}`}
      title={details}
      data-signed={c.signed}
    >
      cr
    </span>
  );
}
