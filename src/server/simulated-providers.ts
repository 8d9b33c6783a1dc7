/**
 * Wires a simulated provider to its simulator: the base URL its protocol expects, and —
 * for the cloud protocols — credentials made up for this run, given to both sides, so the
 * real auth code runs against the simulator: SigV4 keys for Bedrock, a service account
 * (a fresh RSA key pair) and the simulator's token endpoint for Vertex AI, an api-key for
 * Azure OpenAI.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { ProviderConfig } from '../config/load.js';
import type { SimCredentials } from '../simulator/index.js';

const generateRsa = promisify(generateKeyPair);

/** Where each protocol lives on a simulator (Mistral's paths collide with OpenAI's, so it has a prefix). */
const BASE_PATHS: Record<ProviderConfig['protocol'], string> = {
  openai: '/v1',
  anthropic: '/v1',
  gemini: '/v1beta',
  vertex: '/v1',
  'azure-openai': '',
  bedrock: '',
  mistral: '/mistral/v1',
  cohere: '',
};

export const SIMULATED_REGION = 'us-east-1';
export const SIMULATED_PROJECT = 'switchyard-sim';
export const SIMULATED_LOCATION = 'us-central1';

export interface SimulatedAuth {
  credentials: SimCredentials;
  /** Completes the provider once the simulator listens at `url`. */
  attach(url: string): void;
}

export async function simulatedAuth(provider: ProviderConfig, secrets: string[]): Promise<SimulatedAuth> {
  const attachBase = (url: string): void => {
    provider.baseUrl = `${url}${BASE_PATHS[provider.protocol]}`;
    // Like the real APIs, the simulator wants a key; any value will do.
    provider.apiKey ??= 'simulated-key';
  };
  if (provider.protocol === 'bedrock') {
    const keys = { accessKeyId: `AKIASIM${randomBytes(6).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64') };
    secrets.push(keys.secretAccessKey);
    return {
      credentials: { aws: [keys] },
      attach(url) {
        attachBase(url);
        provider.aws = { region: SIMULATED_REGION, credentials: keys };
      },
    };
  }
  if (provider.protocol === 'vertex') {
    const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const clientEmail = `switchyard@${SIMULATED_PROJECT}.iam.gserviceaccount.com`;
    secrets.push(privateKey);
    return {
      credentials: { serviceAccounts: [{ clientEmail, publicKey }] },
      attach(url) {
        attachBase(url);
        provider.vertex = { project: SIMULATED_PROJECT, location: SIMULATED_LOCATION, serviceAccount: { clientEmail, privateKey, tokenUri: `${url}/token` } };
      },
    };
  }
  return {
    credentials: {},
    attach(url) {
      attachBase(url);
      if (provider.protocol === 'azure-openai') provider.azure = { apiVersion: '2024-10-21' };
    },
  };
}
