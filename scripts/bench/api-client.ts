/** The API as a caseworker's browser speaks to it: JSON over HTTP with a bearer token (fetch keeps connections alive). */
import { randomUUID } from 'node:crypto';
import { idNumberCheckDigit } from '../../src/api/validation/chinese-id-number';
import { ageOn, schoolYearStart } from '../../src/registry/age-rules';
import { DEMO_PASSWORD } from './stack';

export class BenchApi {
  private token = '';
  private tokenUntil = 0;

  constructor(
    readonly url: string,
    private readonly username = 'coordinator',
  ) {}

  /** Logs in when the token is older than 10 minutes (tokens live 15). */
  async login(): Promise<void> {
    if (Date.now() < this.tokenUntil) return;
    const res = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.username, password: DEMO_PASSWORD }),
    });
    const body = (await res.json()) as { accessToken?: string };
    if (res.status !== 200 || !body.accessToken) throw new Error(`log-in as ${this.username}: ${res.status} ${JSON.stringify(body)}`);
    this.token = body.accessToken;
    this.tokenUntil = Date.now() + 10 * 60_000;
  }

  /** GET; throws unless the answer is 200. Returns the body as text (its size is part of the cost). */
  async get(path: string, options: { auth?: boolean } = {}): Promise<string> {
    const res = await fetch(`${this.url}${path}`, { headers: options.auth === false ? {} : { authorization: `Bearer ${this.token}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text;
  }

  /** 503 answers that were sent again (retryUnavailable), for the figures to say how many. */
  retriedUnavailable = 0;

  /**
   * POST with a fresh Idempotency-Key, as a village client sends it; throws unless `expected`.
   * With `retryUnavailable`, a 503 (ENGINE.UNAVAILABLE: the engine did not answer within the API's
   * deadline) is sent again with the same key after 1, 2, 4, 8 s, as a client would.
   */
  async post<T>(path: string, body: unknown, expected: number, options: { retryUnavailable?: boolean } = {}): Promise<T> {
    const key = randomUUID();
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}`, 'idempotency-key': key },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === 503 && options.retryUnavailable && attempt < 4) {
        this.retriedUnavailable++;
        await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
        continue;
      }
      if (res.status !== expected) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as T;
    }
  }

  /** Reports a suspected dropout; answers once the case is in the read model. Returns its id. */
  async openCase(serial: number): Promise<string> {
    return (await this.reportCase(serial)).id;
  }

  /** As openCase, with when the workflow opened it (CASE_OPENED's occurredAt): its deadlines count from there. */
  async reportCase(serial: number, options: { retryUnavailable?: boolean } = {}): Promise<{ id: string; openedAtMs: number }> {
    const body = await this.post<{ id: string; timeline: Array<{ type: string; occurredAt: string }> }>('/api/cases', reportBody(serial), 201, options);
    const opened = body.timeline.find((e) => e.type === 'CASE_OPENED');
    return { id: body.id, openedAtMs: opened ? Date.parse(opened.occurredAt) : Date.now() };
  }

  async addNote(caseId: string): Promise<void> {
    await this.post(`/api/cases/${caseId}/actions`, { type: 'ADD_NOTE', note: '电话回访，家长表示本周内到校' }, 200);
  }
}

const AREAS = ['故陵社区', '高坪村', '桥亭村', '宝兴村', '双店村', '兰草村', '红椿村', '红坪村'];
const CAUSES = ['LEARNING_DIFFICULTY', 'POVERTY', 'GUARDIAN_REFUSES', 'ILLNESS', 'WORK', 'OTHER'];
/** Each run's children get ID numbers of their own, so a kept database can run the bench again. */
const RUN_SALT = Math.floor(Math.random() * 900);

/**
 * A report as a school sends it, for child number `serial`: a unique, valid ID number (birth date
 * and 3-digit sequence from the serial), spread over areas, grades and causes.
 */
export function reportBody(serial: number) {
  // Born 7 to 12 years before this school year began, in the grade their age fits (the API refuses
  // an age that does not fit the grade: src/registry/age-rules.ts).
  const yearStart = schoolYearStart(new Date());
  const birth = new Date(Date.UTC(Number(yearStart.slice(0, 4)) - 13, 0, 1) + (serial % 2_190) * 86_400_000);
  const birthDate = birth.toISOString().slice(0, 10);
  const sequence = (Math.floor(serial / 2_190) + RUN_SALT) % 1_000;
  const sex = sequence % 2 === 1 ? 'M' : 'F';
  const first17 = `500235${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  const grade = Math.min(6, Math.max(1, ageOn(birthDate, yearStart) - 5));
  return {
    child: {
      name: `测试儿童${serial}`,
      idNumber: first17 + idNumberCheckDigit(first17),
      birthDate,
      sex,
      school: '故陵小学',
      grade,
      className: `${grade}年级${1 + (serial % 3)}班`,
      area: AREAS[serial % AREAS.length],
      guardians: [{ name: '家长', phone: '13800000000', relation: '父亲' }],
    },
    cause: CAUSES[serial % CAUSES.length],
    note: '连续两周未到校',
  };
}
