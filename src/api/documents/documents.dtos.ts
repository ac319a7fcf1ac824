import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DOCUMENT_KINDS, DOCUMENT_KIND_LABELS, DocumentKind } from '../../documents/document-kinds';
import type { DocumentRecord } from '../../documents/document-store';

const KIND_LIST = DOCUMENT_KINDS.map((k) => `${k} ${DOCUMENT_KIND_LABELS[k].zh}`).join('；');

export class IssueDocumentDto {
  @ApiProperty({ enum: DOCUMENT_KINDS, example: 'CORRECTION_ORDER', description: `文书种类 / kind: ${KIND_LIST}` })
  @IsIn(DOCUMENT_KINDS)
  kind!: DocumentKind;
}

export class EvidencePackQueryDto {
  @ApiPropertyOptional({ enum: ['pdf', 'zip'], default: 'pdf', description: 'pdf: 一个 PDF；zip: 该 PDF、每份文书的 PDF 与 timeline.json / pdf: one PDF; zip: that PDF, each document as PDF and timeline.json' })
  @IsOptional()
  @IsIn(['pdf', 'zip'])
  format?: 'pdf' | 'zip';
}

class KindLabelDto {
  @ApiProperty({ example: '责令限期改正通知书' })
  zh!: string;

  @ApiProperty({ example: 'Order to correct within a deadline' })
  en!: string;
}

class DocumentDownloadsDto {
  @ApiProperty({ example: '/api/documents/0b6c….pdf' })
  pdf!: string;

  @ApiProperty({ example: '/api/documents/0b6c….html' })
  html!: string;
}

export class DocumentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ enum: DOCUMENT_KINDS })
  kind!: DocumentKind;

  @ApiProperty({ type: KindLabelDto })
  kindLabel!: KindLabelDto;

  @ApiProperty({ example: '故陵府责改〔2026〕3号', description: '文号，每镇每年每类连续编号 / number, consecutive per town, year and kind' })
  number!: string;

  @ApiProperty({ example: 2026 })
  year!: number;

  @ApiProperty({ example: 3 })
  seq!: number;

  @ApiProperty({ example: 4, description: '该文书记录的办理步骤（时间线序号）/ the timeline step this document records' })
  basisSeq!: number;

  @ApiProperty({ format: 'date-time' })
  issuedAt!: string;

  @ApiProperty({ example: '李尚春（town）' })
  issuedBy!: string;

  @ApiProperty({ example: 'GULING' })
  town!: string;

  @ApiProperty({ type: DocumentDownloadsDto })
  downloads!: DocumentDownloadsDto;
}

export class DocumentListDto {
  @ApiProperty({ type: [DocumentDto] })
  items!: DocumentDto[];
}

export function documentView(d: DocumentRecord): DocumentDto {
  return {
    id: d.id,
    caseId: d.caseId,
    kind: d.kind,
    kindLabel: DOCUMENT_KIND_LABELS[d.kind],
    number: d.number,
    year: d.year,
    seq: d.seq,
    basisSeq: d.basisSeq,
    issuedAt: d.issuedAt.toISOString(),
    issuedBy: d.issuedBy,
    town: d.town,
    downloads: { pdf: `/api/documents/${d.id}.pdf`, html: `/api/documents/${d.id}.html` },
  };
}
