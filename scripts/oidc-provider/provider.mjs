// A real OpenID Connect provider for Relink's staff sign-in tests: `oidc-provider` (OpenID
// Certified) with CIS2-like scopes and claims, on loopback. Nothing here is used in production.
//
//   OIDC_PORT=4010 node provider.mjs
//
// Issuer: http://127.0.0.1:$OIDC_PORT (listening on OIDC_HOST, 127.0.0.1; OIDC_ISSUER_HOST names
// it otherwise: Playwright uses `localhost`, another site than Relink's 127.0.0.1, so the
// browser's trip to the provider and back is cross-site as it is with CIS2). Clients register themselves (OpenID Connect Dynamic
// Client Registration, POST /reg), so each test server registers its own redirect URI; or one
// static client comes from OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URIS (separated
// by spaces: Playwright's servers).
//
// The login page (/interaction/:uid) is a plain form: choose who signs in. Each person's login
// gives the acr their authenticator would (a smartcard AAL3, a password only AAL1). For the
// tests of Relink's ID token checks the form can also ask for the ID token to come back with one
// claim wrong (audience, expiry, nonce) or signed by a key the provider never published: the
// token endpoint's answer is then re-signed with the provider's own signing key (the one in its
// published JWKS), so Relink sees a validly signed token whose one claim it must refuse.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';

import { decodeJwt, importJWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 4010);
const host = process.env.OIDC_HOST || '127.0.0.1';
const issuer = `http://${process.env.OIDC_ISSUER_HOST || host}:${port}`;

// The people who can sign in: CIS2's claims as CIS2 sends them (`nhsid_useruid`,
// `nhsid_nrbac_roles[]` with `person_roleid`, `org_code`, `role_code`, `activity_codes`, and
// `selected_roleid`). T00001 is Riverside Surgery and E00001 Hillview Medical Centre (Relink's
// demo practices); X26 (NHS England) and RX1 (a trust) are no Relink practice.
const people = {
  riverside: {
    name: 'Rita Rivers (Riverside Surgery, smartcard)',
    uid: '555000000001',
    acr: 'AAL3_ANY',
    amr: ['SCARD'],
    given_name: 'Rita',
    family_name: 'Rivers',
    roles: [role('100000000011', 'T00001', 'S8000:G8000:R8001', ['B0264'])],
  },
  hillview: {
    name: 'Harry Hill (Hillview Medical Centre, Windows Hello)',
    uid: '555000000002',
    acr: 'AAL2_OR_AAL3_ANY',
    amr: ['FIDO2'],
    given_name: 'Harry',
    family_name: 'Hill',
    roles: [
      role('100000000021', 'E00001', 'S8000:G8000:R8001', ['B0264']),
      role('100000000022', 'RX1', 'S8000:G8000:R8000', ['B0172']),
    ],
  },
  manager: {
    name: 'Mona Manager (Riverside Surgery, practice manager: Relink administrator)',
    uid: '555000000003',
    acr: 'AAL3_ANY',
    amr: ['SCARD'],
    given_name: 'Mona',
    family_name: 'Manager',
    roles: [role('100000000031', 'T00001', 'S8001:G8005:R8008', ['B0264', 'B0360'])],
  },
  elsewhere: {
    name: 'Nia Elsewhere (NHS England: no Relink practice)',
    uid: '555000000004',
    acr: 'AAL3_ANY',
    amr: ['SCARD'],
    given_name: 'Nia',
    family_name: 'Elsewhere',
    roles: [role('100000000041', 'X26', 'S8000:G8000:R8001', ['B0264'])],
  },
  password: {
    name: 'Pat Password (Riverside Surgery, password only: AAL1)',
    uid: '555000000005',
    acr: 'AAL1_USERPASS',
    amr: ['PWD'],
    given_name: 'Pat',
    family_name: 'Password',
    roles: [role('100000000051', 'T00001', 'S8000:G8000:R8001', ['B0264'])],
  },
};

function role(personRoleId, orgCode, roleCode, activityCodes) {
  return {
    person_roleid: personRoleId,
    org_code: orgCode,
    role_code: roleCode,
    role_name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
    activity_codes: activityCodes,
  };
}

const byUid = Object.fromEntries(Object.values(people).map((p) => [p.uid, p]));

// The provider's signing key, published in its JWKS, and a second key it never publishes.
const signing = rsaJwk('relink-test-signing-key');
const stranger = rsaJwk('relink-test-signing-key');

function rsaJwk(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

const clients = [];
if (process.env.OIDC_CLIENT_ID) {
  clients.push({
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: (process.env.OIDC_REDIRECT_URIS || '').split(/\s+/).filter(Boolean),
  });
}

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signing] },
  cookies: { keys: [randomUUID()] },
  acrValues: ['AAL1_USERPASS', 'AAL2_OR_AAL3_ANY', 'AAL3_ANY'],
  // CIS2's scopes and the claims each one releases (to the userinfo endpoint: the ID token
  // carries the standard claims and acr).
  claims: {
    acr: null,
    auth_time: null,
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name'],
    email: ['email'],
    nhsperson: ['nhsid_useruid'],
    nationalrbacaccess: ['nhsid_nrbac_roles'],
    associatedorgs: ['nhsid_user_orgs'],
    selectedrole: ['selected_roleid'],
  },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
  },
  enabledJWA: {
    clientAuthSigningAlgValues: ['HS256', 'RS256', 'RS512', 'PS256', 'ES256'],
  },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const person = byUid[sub];
    if (!person) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          name: `${person.given_name} ${person.family_name}`,
          given_name: person.given_name,
          family_name: person.family_name,
          email: `${person.given_name.toLowerCase()}@nhs.test`,
          nhsid_useruid: person.uid,
          nhsid_nrbac_roles: person.roles,
          nhsid_user_orgs: person.roles.map((r) => ({ org_code: r.org_code, org_name: r.org_code })),
          selected_roleid: person.roles[0].person_roleid,
        };
      },
    };
  },
});

// What the login form asked the token endpoint to get wrong, by the login's nonce.
const tampering = new Map();

provider.use(async (ctx, next) => {
  await next();
  if (ctx.method !== 'POST' || ctx.path !== '/token' || ctx.status !== 200) return;
  const idToken = ctx.body?.id_token;
  if (!idToken) return;
  const claims = decodeJwt(idToken);
  const how = tampering.get(claims.nonce);
  if (!how) return;
  const now = Math.floor(Date.now() / 1000);
  let key = signing;
  if (how === 'audience') claims.aud = 'some-other-service';
  if (how === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  if (how === 'nonce') claims.nonce = 'a-nonce-relink-never-sent';
  if (how === 'signature') key = stranger;
  ctx.body = {
    ...ctx.body,
    id_token: await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(await importJWK(key, 'RS256')),
  };
});

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

async function interaction(req, res, uid, action) {
  try {
    const details = await provider.interactionDetails(req, res);
    if (action === undefined && req.method === 'GET') {
      const choices = Object.entries(people)
        .map(([id, p]) => `<p><button type="submit" name="person" value="${id}">${p.name}</button></p>`)
        .join('\n');
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.end(page('Test CIS2: choose who signs in', `
<form method="post" action="/interaction/${uid}/login">
<p><label for="tamper">ID token</label>
<select id="tamper" name="tamper"><option value="">as issued</option>
<option value="audience">for another audience</option><option value="expired">expired</option>
<option value="nonce">another nonce</option><option value="signature">signed by another key</option>
</select></p>
${choices}
</form>`));
      return;
    }
    if (action === 'login' && req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      const person = people[form.get('person')];
      if (!person) {
        res.statusCode = 400;
        res.end('unknown person');
        return;
      }
      const tamper = form.get('tamper');
      if (tamper) tampering.set(details.params.nonce, tamper);
      const grant = new provider.Grant({ accountId: person.uid, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, {
        login: { accountId: person.uid, acr: person.acr, amr: person.amr },
        consent: { grantId },
      }, { mergeWithLastSubmission: false });
      return;
    }
    res.statusCode = 404;
    res.end();
  } catch (error) {
    res.statusCode = 400;
    res.end(String(error));
  }
}

function body(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const callback = provider.callback();
http
  .createServer((req, res) => {
    const match = /^\/interaction\/([^/?]+)(?:\/([a-z]+))?(?:\?.*)?$/.exec(req.url);
    if (match) {
      interaction(req, res, match[1], match[2]);
      return;
    }
    callback(req, res);
  })
  .listen(port, host, () => {
    console.log(`oidc-provider listening: ${issuer}/.well-known/openid-configuration`);
  });
