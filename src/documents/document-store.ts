/**
 * The documents table (migration 1764950000000-documents): issuing numbers and stores a document
 * in one transaction; documents are never changed afterwards (a trigger refuses it).
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { DocumentContent } from './compose-document';
import { formatDocumentNumber } from './compose-document';
import type { DocumentKind } from './document-kinds';
import { shanghaiYear } from './shanghai-time';

export interface DocumentRecord {
  id: string;
  town: string;
  caseId: string;
  kind: DocumentKind;
  /** The timeline step the document records. */
  basisSeq: number;
  /** 文号 */
  number: string;
  year: number;
  seq: number;
  issuedAt: Date;
  issuedBy: string;
  content: DocumentContent;
}

export interface IssueRequest {
  town: string;
  caseId: string;
  kind: DocumentKind;
  basisSeq: number;
  /** 文号 prefix of the kind in this town (故陵府责改). */
  prefix: string;
  issuedAt: Date;
  issuedBy: string;
  /** The text, composed once the number is known. */
  compose(number: string): DocumentContent;
}

/** A document of this kind already records this step (one paper, one number). */
export class DocumentAlreadyIssuedError extends Error {
  constructor(readonly existing: DocumentRecord) {
    super(`a document of this kind already records this step: ${existing.number}`);
    this.name = 'DocumentAlreadyIssuedError';
  }
}

const COLUMNS = `id, town, case_id, kind, basis_seq, number, year, seq, issued_at, issued_by, content`;

export class DocumentStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the next number of (town, year, kind) and inserts the document, in one transaction: the
   * counter row's lock queues concurrent issues, so numbers are consecutive and never shared; a
   * failed insert rolls the counter back (no gap).
   */
  async issue(request: IssueRequest): Promise<DocumentRecord> {
    const existing = await this.forStep(request.caseId, request.kind, request.basisSeq);
    if (existing) throw new DocumentAlreadyIssuedError(existing);
    const year = shanghaiYear(request.issuedAt);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const seq = await nextSeq(manager, request.town, year, request.kind);
        const number = formatDocumentNumber(request.prefix, year, seq);
        const content = request.compose(number);
        const rows: RawDocument[] = await manager.query(
          `INSERT INTO documents (town, case_id, kind, basis_seq, number, year, seq, issued_at, issued_by, content)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
          [request.town, request.caseId, request.kind, request.basisSeq, number, year, seq, request.issuedAt, request.issuedBy, JSON.stringify(content)],
        );
        return toRecord(rows[0]);
      });
    } catch (error) {
      // Two requests for the same step at once: the second meets the unique key after the first committed.
      if ((error as { code?: string; constraint?: string }).constraint === 'documents_one_per_step_key') {
        const winner = await this.forStep(request.caseId, request.kind, request.basisSeq);
        if (winner) throw new DocumentAlreadyIssuedError(winner);
      }
      throw error;
    }
  }

  /** The case's documents, in the order they were issued. */
  async listForCase(caseId: string): Promise<DocumentRecord[]> {
    const rows: RawDocument[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM documents WHERE case_id = $1 ORDER BY issued_at, number`, [caseId]);
    return rows.map(toRecord);
  }

  async get(id: string): Promise<DocumentRecord | undefined> {
    const rows: RawDocument[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM documents WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  private async forStep(caseId: string, kind: DocumentKind, basisSeq: number): Promise<DocumentRecord | undefined> {
    const rows: RawDocument[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM documents WHERE case_id = $1 AND kind = $2 AND basis_seq = $3`, [caseId, kind, basisSeq]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}

async function nextSeq(manager: EntityManager, town: string, year: number, kind: DocumentKind): Promise<number> {
  const rows: Array<{ last_seq: number }> = await manager.query(
    `INSERT INTO document_counters (town, year, kind, last_seq) VALUES ($1, $2, $3, 1)
     ON CONFLICT (town, year, kind) DO UPDATE SET last_seq = document_counters.last_seq + 1
     RETURNING last_seq`,
    [town, year, kind],
  );
  return rows[0].last_seq;
}

interface RawDocument {
  id: string;
  town: string;
  case_id: string;
  kind: DocumentKind;
  basis_seq: number;
  number: string;
  year: number;
  seq: number;
  issued_at: Date;
  issued_by: string;
  content: DocumentContent;
}

function toRecord(row: RawDocument): DocumentRecord {
  return {
    id: row.id,
    town: row.town,
    caseId: row.case_id,
    kind: row.kind,
    basisSeq: row.basis_seq,
    number: row.number,
    year: row.year,
    seq: row.seq,
    issuedAt: row.issued_at,
    issuedBy: row.issued_by,
    content: row.content,
  };
}
