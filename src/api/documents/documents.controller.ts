import { Body, Controller, Get, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit.decorator';
import type { AuditNote } from '../audit/audit.interceptor';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiError } from '../errors';
import { ApiErrorResponses } from '../swagger';
import { CaseIdPipe } from '../cases/case-id.pipe';
import { DocumentDto, DocumentListDto, documentView, EvidencePackQueryDto, IssueDocumentDto } from './documents.dtos';
import { DocumentsService, FileAnswer } from './documents.service';

interface NotedRequest {
  audit?: AuditNote;
}

interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

const DOCUMENT_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(pdf|html)$/i;

/**
 * Content-Disposition with the Chinese name as RFC 6266/5987 `filename*` (UTF-8) and an ASCII
 * fallback for old clients: 责令限期改正通知书-故陵府责改〔2026〕3号.pdf.
 */
export function contentDisposition(type: 'attachment' | 'inline', name: string, extension: string, fallback: string): string {
  const encoded = encodeURIComponent(`${name}.${extension}`).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}.${extension}"; filename*=UTF-8''${encoded}`;
}

function send(res: HeaderResponse, file: FileAnswer, type: 'attachment' | 'inline', fallback: string): StreamableFile {
  res.setHeader('Cache-Control', 'no-store');
  return new StreamableFile(file.body, { type: file.contentType, disposition: contentDisposition(type, file.name, file.extension, fallback), length: file.body.length });
}

@ApiTags('documents 文书与证据链')
@ApiBearerAuth()
@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post('cases/:id/documents')
  @Audit('ACT')
  @ApiOperation({
    summary: '制发文书 / Issue a document of the case',
    description:
      '按模板由案件生成文书并分配文号（每镇每年每类连续），保存原文，以后下载内容不变。每份文书记录时间线上的一步：入学通知书（立案或再次辍学）、家访记录（记录家访）、批评教育记录（进入批评教育的一步）、责令限期改正通知书（ISSUE_CORRECTION_ORDER，期限取自该步的 correctBy）、司法文书送达封面（ISSUE_JUDICIAL_DOCUMENT，引用司法所自己的文书编号 documentNumber）、移送追究法律责任函（REFER_LEGAL_LIABILITY）。该步尚未发生：409 DOCUMENT.NOT_AVAILABLE；同一步已制发：409 DOCUMENT.ALREADY_ISSUED；办理 ISSUE_CORRECTION_ORDER 时已填写系统外文号 orderNumber：409 DOCUMENT.NUMBERED_OUTSIDE；案件已结束：409 CASE.CLOSED。制发记入案件时间线（DOCUMENT_ISSUED：已出具《…》、文号、制发人），同一文书只记一次。' +
      ' / Composes the document from its template and the case, gives it the next number of its town, year and kind, and stores the text as issued.' +
      ' Each document records one step of the timeline; before that step: 409 DOCUMENT.NOT_AVAILABLE; a second one for the same step: 409 DOCUMENT.ALREADY_ISSUED;' +
      ' an order whose ISSUE_CORRECTION_ORDER action named an outside orderNumber: 409 DOCUMENT.NUMBERED_OUTSIDE; an ended case: 409 CASE.CLOSED.' +
      ' The issue is a step of the case timeline (DOCUMENT_ISSUED: 已出具《…》, the number, who), recorded once per document. Who issues which kind: see docs/documents.md.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '案件编号 / case id' })
  @ApiBody({ type: IssueDocumentDto })
  @ApiCreatedResponse({ type: DocumentDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'CASE.INVALID_ID', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN', 'CASE.NOT_FOUND', 'DOCUMENT.NOT_AVAILABLE', 'DOCUMENT.ALREADY_ISSUED', 'DOCUMENT.NUMBERED_OUTSIDE', 'CASE.CLOSED', 'ENGINE.UNAVAILABLE', 'AUDIT.UNAVAILABLE')
  async issue(@Param('id', CaseIdPipe) id: string, @Body() body: IssueDocumentDto, @CurrentUser() user: AuthUser, @Req() req: NotedRequest): Promise<DocumentDto> {
    req.audit = { detail: { document: { kind: body.kind } } };
    const document = await this.documents.issue(id, body.kind, user);
    req.audit = { detail: { document: { kind: document.kind, number: document.number, id: document.id } } };
    return documentView(document);
  }

  @Get('cases/:id/documents')
  @Audit('READ_CASE')
  @ApiOperation({ summary: '案件的文书 / The documents of a case', description: '按制发先后。 / In the order they were issued.' })
  @ApiParam({ name: 'id', format: 'uuid', description: '案件编号 / case id' })
  @ApiOkResponse({ type: DocumentListDto })
  @ApiErrorResponses('CASE.INVALID_ID', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'CASE.NOT_FOUND', 'AUDIT.UNAVAILABLE')
  async list(@Param('id', CaseIdPipe) id: string, @CurrentUser() user: AuthUser, @Req() req: NotedRequest): Promise<DocumentListDto> {
    req.audit = { detail: { documents: 'list' } };
    return { items: (await this.documents.list(id, user)).map(documentView) };
  }

  @Get('documents/:file')
  @Audit('READ_CASE')
  @ApiOperation({
    summary: '下载文书（PDF 或可打印 HTML）/ Download a document as PDF or printable HTML',
    description:
      '`<id>.pdf`：PDF（内嵌思源黑体子集，中文为可检索文字）；`<id>.html`：A4 可打印网页（无外部资源）。文件名为"文书名称-文号"（Content-Disposition 的 UTF-8 filename*）。无权查看其案件的文书回答 404。' +
      ' / `<id>.pdf` (Noto Sans SC embedded as a subset) or `<id>.html` (A4, printable, no external assets); file name "<kind>-<number>" in filename*. A document of a case you may not read answers 404.',
  })
  @ApiParam({ name: 'file', example: '0b6c2f3e-8f1a-4c7e-9d2b-1a2b3c4d5e6f.pdf', description: '文书编号加 .pdf 或 .html / document id with .pdf or .html' })
  @ApiProduces('application/pdf', 'text/html')
  @ApiOkResponse({ description: 'PDF or HTML' })
  @ApiErrorResponses('AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'DOCUMENT.NOT_FOUND', 'AUDIT.UNAVAILABLE')
  async download(@Param('file') file: string, @CurrentUser() user: AuthUser, @Req() req: NotedRequest, @Res({ passthrough: true }) res: HeaderResponse): Promise<StreamableFile> {
    const match = DOCUMENT_FILE.exec(file);
    if (!match) throw new ApiError('DOCUMENT.NOT_FOUND', { details: { file: String(file).slice(0, 60) } });
    const [, documentId, extension] = match;
    const format = extension.toLowerCase() as 'pdf' | 'html';
    const answer = await this.documents.file(documentId.toLowerCase(), format, user);
    req.audit = { caseId: answer.caseId, detail: { document: { id: documentId.toLowerCase(), format } } };
    // HTML opens in the browser to print; the PDF is saved.
    return send(res, answer, format === 'html' ? 'inline' : 'attachment', `document-${documentId.toLowerCase()}`);
  }

  @Get('cases/:id/evidence-pack')
  @Audit('READ_CASE')
  @ApiOperation({
    summary: '证据链 / The evidence pack of a case',
    description:
      '供司法所或法院使用：封面（案件事实）、完整办理经过（每一步的北京时间、办理人、事由、前后阶段，系统自动步骤标明），其后附全部文书原文；每页有页码、生成时间和办理经过的 SHA-256。`?format=zip`：该 PDF、每份文书的 PDF 和 timeline.json（SHA-256 即其字节的摘要）。' +
      ' / For the justice office or a court: a cover with the case facts, the whole timeline (time in Asia/Shanghai, actor, reason, stages, automatic steps marked), then every document in full;' +
      ' pages numbered, with the generation time and the SHA-256 of the timeline. `?format=zip`: that PDF, each document as PDF and timeline.json (the SHA-256 is of its bytes).',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '案件编号 / case id' })
  @ApiProduces('application/pdf', 'application/zip')
  @ApiOkResponse({ description: 'PDF or ZIP' })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'CASE.INVALID_ID', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'CASE.NOT_FOUND', 'AUDIT.UNAVAILABLE')
  async evidencePack(
    @Param('id', CaseIdPipe) id: string,
    @Query() query: EvidencePackQueryDto,
    @CurrentUser() user: AuthUser,
    @Req() req: NotedRequest,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<StreamableFile> {
    const answer = await this.documents.evidencePack(id, query.format ?? 'pdf', user);
    req.audit = { detail: { evidencePack: { format: answer.extension, timelineSha256: answer.pack.timelineSha256, steps: answer.pack.timeline.length } } };
    res.setHeader('X-Timeline-SHA256', answer.pack.timelineSha256);
    return send(res, answer, 'attachment', `evidence-pack-${id}`);
  }
}
