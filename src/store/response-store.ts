/**
 * Stored Responses API answers (store: true), in the request log's SQLite database.
 *
 * Every read and delete is scoped to the key that created the response: another key's id
 * is "not found", exactly like an id that never existed, so nothing tells one tenant
 * about another's responses. Writes are synchronous (one small INSERT) so a response is
 * found by the very next request that names it as previous_response_id.
 */
import type Database from 'better-sqlite3';
import type { Message } from '../core/types.js';
import { openDatabase } from './sqlite-schema.js';

export interface StoredResponse {
  id: string;
  requestId: string;
  keyId: string | null;
  createdAt: number;
  /** The Response object as the client received it. */
  response: Record<string, unknown>;
  /** This turn's input items, as normalised. */
  inputItems: Record<string, unknown>[];
  /** Every message up to and including this answer (instructions excluded): what a next turn continues. */
  conversation: Message[];
}

export interface ResponseStore {
  save(stored: StoredResponse): void;
  /** The response with this id created by this key, or undefined (also when another key created it). */
  find(id: string, keyId: string | null): StoredResponse | undefined;
  /** Whether a response of this key was deleted. */
  delete(id: string, keyId: string | null): boolean;
  close(): void;
}

interface Row {
  id: string;
  request_id: string;
  key_id: string | null;
  created_at: number;
  response: string;
  input_items: string;
  conversation: string;
}

export class SqliteResponseStore implements ResponseStore {
  private readonly database: Database.Database;
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(path: string) {
    this.database = openDatabase(path);
    this.insert = this.database.prepare('INSERT INTO responses (id, request_id, key_id, created_at, response, input_items, conversation) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.select = this.database.prepare('SELECT * FROM responses WHERE id = ? AND key_id IS ?');
    this.remove = this.database.prepare('DELETE FROM responses WHERE id = ? AND key_id IS ?');
  }

  save(stored: StoredResponse): void {
    this.insert.run(stored.id, stored.requestId, stored.keyId, stored.createdAt, JSON.stringify(stored.response), JSON.stringify(stored.inputItems), JSON.stringify(stored.conversation));
  }

  find(id: string, keyId: string | null): StoredResponse | undefined {
    const row = this.select.get(id, keyId) as Row | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      requestId: row.request_id,
      keyId: row.key_id,
      createdAt: row.created_at,
      response: JSON.parse(row.response) as Record<string, unknown>,
      inputItems: JSON.parse(row.input_items) as Record<string, unknown>[],
      conversation: JSON.parse(row.conversation) as Message[],
    };
  }

  delete(id: string, keyId: string | null): boolean {
    return this.remove.run(id, keyId).changes > 0;
  }

  close(): void {
    this.database.close();
  }
}
