/**
 * AWS STS AssumeRole (POST / with Action=AssumeRole, form-encoded, SigV4 for service
 * sts), answering temporary keys in STS's XML. The keys it issues are what the Bedrock
 * protocol accepts (with their session token) until they expire.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { readBody } from '../http-io.js';
import { formOf } from './answer-steps.js';
import type { SimulatorProtocol } from './protocol.js';
import { verifySigV4 } from './sigv4-verify.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

function sendXml(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(xml)), 'x-amzn-requestid': randomUUID() });
  response.end(xml);
}

function errorXml(type: string, code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const stsProtocol: SimulatorProtocol = {
  name: 'aws-sts',
  handles: (url, method) => method === 'POST' && url.pathname === '/',
  async handle(exchange) {
    const raw = await readBody(exchange.request);
    const failure = await verifySigV4(exchange, raw, 'sts');
    if (failure) return sendXml(exchange.response, failure.status, errorXml('Sender', failure.type.replace(/Exception$/, ''), failure.message));
    const form = formOf(raw);
    if (form.get('Action') !== 'AssumeRole') return sendXml(exchange.response, 400, errorXml('Sender', 'InvalidAction', `Could not find operation ${form.get('Action') ?? ''} for version ${form.get('Version') ?? ''}`));
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    if (!ROLE_ARN.test(roleArn)) return sendXml(exchange.response, 400, errorXml('Sender', 'ValidationError', `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint`));
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) return sendXml(exchange.response, 400, errorXml('Sender', 'ValidationError', "Value at 'roleSessionName' failed to satisfy constraint"));
    const session = exchange.context.auth.issueSession();
    const account = /::(\d{12}):/.exec(roleArn)?.[1] ?? '000000000000';
    const role = roleArn.split('/').pop() ?? 'role';
    sendXml(
      exchange.response,
      200,
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROASIM:${sessionName}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${role}/${sessionName}</Arn></AssumedRoleUser><Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${session.secretAccessKey}</SecretAccessKey><SessionToken>${session.sessionToken}</SessionToken><Expiration>${session.expiration.toISOString()}</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  },
};
