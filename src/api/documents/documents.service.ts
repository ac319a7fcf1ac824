/**
 * Issuing, listing and rendering a case's documents and its evidence pack, for a logged-in user:
 * a case outside the user's read scope does not exist for them (404), a kind their role does not
 * issue is forbidden (403), a document whose step has not happened is refused (409).
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { composeDocument, documentFileName } from '../../documents/compose-document';
import { basisFor, DOCUMENT_KIND_LABELS, DocumentKind, numberPrefixFor } from '../../documents/document-kinds';
import { DocumentAlreadyIssuedError, DocumentRecord, DocumentStore } from '../../documents/document-store';
import { buildEvidencePack, EvidencePack } from '../../documents/evidence-pack';
import { renderDocumentHtml } from '../../documents/render-html';
import { renderDocumentPdf, renderEvidencePackPdf } from '../../documents/render-pdf';
import { zipStored } from '../../documents/zip';
import { CaseDetail, CaseQueries } from '../../read-model/case-queries';
import type { Town, Towns } from '../../read-model/town';
import { actorName, AuthUser } from '../auth/auth-user';
import { maskIdNumber, maskPhone } from '../../access/masking';
import { documentKindsOf, mayIssueDocument, mayReadCase, seesFullIdentity } from '../../access/permissions';
import { ROLE_LABELS } from '../../access/roles';
import { CASE_ENGINE, CaseEngine } from '../case-engine.port';
import { ApiError } from '../errors';
import { TOWNS } from '../tokens';

export interface FileAnswer {
  body: Buffer;
  contentType: string;
  /** Without extension: 责令限期改正通知书-故陵府责改〔2026〕3号 */
  name: string;
  extension: string;
  caseId: string;
}

@Injectable()
export class DocumentsService {
  private readonly store: DocumentStore;

  constructor(
    dataSource: DataSource,
    private readonly queries: CaseQueries,
    @Inject(TOWNS) private readonly towns: Towns,
    @Inject(CASE_ENGINE) private readonly engine: CaseEngine,
  ) {
    this.store = new DocumentStore(dataSource);
  }

  async issue(caseId: string, kind: DocumentKind, user: AuthUser): Promise<DocumentRecord> {
    const detail = await this.readableCase(caseId, user);
    if (!mayIssueDocument(user.role, kind)) {
      const kinds = documentKindsOf(user.role);
      throw new ApiError('AUTH.FORBIDDEN', {
        zh: `${ROLE_LABELS[user.role].zh}不能制发${DOCUMENT_KIND_LABELS[kind].zh}。可制发：${kinds.map((k) => DOCUMENT_KIND_LABELS[k].zh).join('、') || '无'}`,
        en: `The role ${user.role} does not issue ${kind}. It issues: ${kinds.join(', ') || 'none'}`,
        details: { kind, role: user.role, allowedKinds: kinds },
      });
    }
    // The issue is a step of the timeline, written by the case's workflow, which ends with the case.
    if (!detail.case.open) {
      throw new ApiError('CASE.CLOSED', {
        zh: `案件已结束，不能再制发${DOCUMENT_KIND_LABELS[kind].zh}（已制发的文书和证据链仍可下载）`,
        en: `The case has ended; no ${kind} can be issued any more (the documents issued and the evidence pack can still be downloaded)`,
        details: { caseId, kind, stage: detail.case.stage },
      });
    }
    const basis = basisFor(kind, detail.events, detail.case.open);
    if (!basis.ok) {
      throw new ApiError(basis.reason === 'NUMBERED_OUTSIDE' ? 'DOCUMENT.NUMBERED_OUTSIDE' : 'DOCUMENT.NOT_AVAILABLE', {
        zh: `不能制发${DOCUMENT_KIND_LABELS[kind].zh}：${basis.message.zh}`,
        en: `Cannot issue ${kind}: ${basis.message.en}`,
        details: { kind, stage: detail.case.stage, ...(basis.reason === 'NUMBERED_OUTSIDE' ? { number: basis.number } : {}) },
      });
    }
    const town = this.townOf(detail);
    const issuedAt = new Date();
    const issuedBy = actorName(user);
    try {
      const document = await this.store.issue({
        town: town.code,
        caseId,
        kind,
        basisSeq: basis.event.seq,
        prefix: numberPrefixFor(town, kind),
        issuedAt,
        issuedBy,
        compose: (number) => composeDocument({ kind, town, detail, basisSeq: basis.event.seq, number, issuedAt, issuedBy }),
      });
      await this.recordInTimeline(document);
      return document;
    } catch (error) {
      if (error instanceof DocumentAlreadyIssuedError) {
        // A retry after the timeline step was lost (the engine down after the document was stored)
        // records it now; the workflow records a document once, so a step already there stays one.
        await this.recordInTimeline(error.existing);
        throw new ApiError('DOCUMENT.ALREADY_ISSUED', {
          zh: `第 ${basis.event.seq} 步已制发${DOCUMENT_KIND_LABELS[kind].zh}（${error.existing.number}），请下载原文书`,
          en: `${kind} was already issued for step ${basis.event.seq} (${error.existing.number}); download that one`,
          details: { kind, basisSeq: basis.event.seq, documentId: error.existing.id, number: error.existing.number },
        });
      }
      throw error;
    }
  }

  /**
   * 已出具《…》 in the case's timeline, written by its workflow like every other step; resolves once
   * it is in the read model. After the document's commit, not inside its transaction: the workflow's
   * projection needs a connection of the same pool, which concurrent issues could otherwise hold.
   */
  private async recordInTimeline(document: DocumentRecord): Promise<void> {
    await this.engine.recordDocument(document.caseId, {
      documentId: document.id,
      kind: document.kind,
      kindLabel: DOCUMENT_KIND_LABELS[document.kind],
      number: document.number,
      issuedBy: document.issuedBy,
      basisSeq: document.basisSeq,
    });
  }

  async list(caseId: string, user: AuthUser): Promise<DocumentRecord[]> {
    await this.readableCase(caseId, user);
    return this.store.listForCase(caseId);
  }

  /** A document as PDF or HTML, if the user reads its case; anything else is the same 404. */
  async file(documentId: string, format: 'pdf' | 'html', user: AuthUser): Promise<FileAnswer> {
    const document = await this.store.get(documentId);
    const facts = document ? await this.queries.accessFacts(document.caseId) : undefined;
    if (!document || !facts || !mayReadCase(user, facts)) throw new ApiError('DOCUMENT.NOT_FOUND', { details: { documentId } });
    const name = documentFileName(document.content);
    if (format === 'html') {
      return { body: Buffer.from(renderDocumentHtml(document.content), 'utf8'), contentType: 'text/html; charset=utf-8', name, extension: 'html', caseId: document.caseId };
    }
    return { body: await renderDocumentPdf(document.content), contentType: 'application/pdf', name, extension: 'pdf', caseId: document.caseId };
  }

  /** The case's evidence pack as one PDF, or a zip of it with each document's PDF and the timeline as JSON. */
  async evidencePack(caseId: string, format: 'pdf' | 'zip', user: AuthUser): Promise<FileAnswer & { pack: EvidencePack }> {
    const detail = await this.readableCase(caseId, user);
    const documents = await this.store.listForCase(caseId);
    const full = seesFullIdentity(user.role);
    const pack = buildEvidencePack({
      detail: { ...detail, case: { ...detail.case, id: caseId } },
      documents,
      town: this.townOf(detail),
      generatedAt: new Date(),
      generatedBy: actorName(user),
      showIdNumber: full ? (s) => s : maskIdNumber,
      showPhone: full ? (s) => s : maskPhone,
    });
    const pdf = await renderEvidencePackPdf(pack);
    // Named by the case, never by the child: a download folder, a mail attachment or a court's file list shows no minor's name.
    const name = `证据链-${caseId}`;
    if (format === 'pdf') return { body: pdf, contentType: 'application/pdf', name, extension: 'pdf', caseId, pack };
    const entries = [
      { name: `${name}.pdf`, data: pdf },
      { name: 'timeline.json', data: Buffer.from(pack.timelineJson, 'utf8') },
    ];
    for (const d of documents) entries.push({ name: `文书/${documentFileName(d.content)}.pdf`, data: await renderDocumentPdf(d.content) });
    return { body: zipStored(entries, pack.generatedAt), contentType: 'application/zip', name, extension: 'zip', caseId, pack };
  }

  private async readableCase(caseId: string, user: AuthUser): Promise<CaseDetail> {
    const detail = await this.queries.get(caseId);
    if (!detail || !mayReadCase(user, { ...detail.case, grade: detail.child.grade, className: detail.child.className })) {
      throw new ApiError('CASE.NOT_FOUND', { details: { caseId } });
    }
    return detail;
  }

  /** The case's town (its names, letterheads and 文号 prefixes); a user reads only their own town's cases. */
  private townOf(detail: CaseDetail): Town {
    return this.towns.get(detail.case.town);
  }
}
