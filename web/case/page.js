/*
 * The case page (#/case/<id>): the child and guardians (masked as the role requires), the stage
 * and its deadlines as a progress line, every action the role may take now as a form (each checked
 * on the page, then "check answers", then sent; the API checks again), support measures and
 * education aid, documents (issue, preview, download PDF, print), the evidence pack, the timeline.
 */
import { el, t, label, name, formatTime, formatDate, download, user, todayInChina } from '../shell/core.js';
import { route } from '../shell/shell.js';
import { field, values, showErrors, fromApi, clearErrors, checkAnswers } from '../shell/forms.js';
import { getCase, listDocuments, issueDocument, documentHtml } from './api.js';
import { submitAction, entriesOfCase, onQueueChange, asProblem } from '../offline/queue.js';
import { queueList } from '../offline/page.js';
import { ACTION_FORMS, actionBody, actionProblems, OUTCOMES_OF_MEASURE, SUPPORT_OUTCOME_LABELS } from './actions.js';
import { DOCUMENT_KINDS, documentKindsOf } from './documents.js';
import { drawResponsibility } from './responsibility.js';

/** True while this page sends an action itself (its own answer redraws the page). */
let submitting = false;

const CHAIN = ['HOME_VISIT', 'PERSUASION', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'];

route('/case/:id', (main, { id }, query) => renderCase(main, id, query.get('reported') ? t('已立案，进入家访阶段。', 'The case is open, at the home visit.') : ''));

/** YYYY-MM-DD of an instant in China. */
function chinaDay(iso) {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

async function renderCase(main, id, notice) {
  const c = await getCase(id);
  const message = el('p', { role: 'status', 'data-testid': 'action-message', class: notice ? 'ok' : '' }, notice || '');
  const forms = c.allowedActions.filter((type) => ACTION_FORMS[type]);
  const firstMain = forms.find((type) => ACTION_FORMS[type].main);
  const queueBox = el('div', { class: 'case-queue', 'data-testid': 'case-queue' });
  const documents = el('div', { 'data-testid': 'documents' }, el('p', { class: 'empty' }, t('正在加载文书…', 'Loading documents…')));
  const chain = el('div', { 'data-testid': 'responsibility' }, el('p', { class: 'empty' }, t('正在加载…', 'Loading…')));
  main.replaceChildren(
    el(
      'section',
      { class: 'card wide case' },
      el('p', {}, el('a', { href: '#/tasks' }, t('← 我的待办', '← My tasks'))),
      el('h2', { 'data-testid': 'case-title' }, c.child.name),
      el('p', { class: 'stage' }, t('当前阶段：', 'Stage: '), el('b', { 'data-testid': 'case-stage' }, t(c.stageLabel)), c.paused ? el('span', { class: 'late' }, t('（已暂停）', ' (paused)')) : '', c.overdue ? el('span', { class: 'late' }, t('（已逾期）', ' (overdue)')) : ''),
      c.transferPendingTo
        ? el('p', { class: 'late', 'data-testid': 'transfer-pending' }, t(`待接收：已申请移交 ${c.transferPendingTo}，等待对方接收或拒绝`, `Transfer pending: ${c.transferPendingTo} has been asked to take the case over`))
        : '',
            c.savedAt ? el('p', { class: 'offline-copy', 'data-testid': 'offline-copy' }, t(`离线副本：${formatTime(c.savedAt)} 保存的内容，联网后刷新`, `Offline copy saved ${formatTime(c.savedAt)}; refreshed once online`)) : '',
      progressLine(c),
      message,
      queueBox,
      el('h3', {}, label('办理', 'Actions')),
      forms.length
        ? el('div', { class: 'actions', 'data-testid': 'actions' }, forms.map((type) => actionPanel(main, c, type, type === firstMain)))
        : el('p', { class: 'empty', 'data-testid': 'no-actions' }, c.open ? t('当前阶段没有您可以办理的操作', 'Nothing for you to do at this stage') : t('案件已结束', 'The case has ended')),
      el('h3', {}, label('责任人（谁在办）', 'Who is on it')),
      chain,
      childFacts(c),
      supportSection(c),
      approvalsSection(c),
      el('h3', {}, label('文书', 'Documents')),
      documents,
      el('h3', {}, label('办理经过', 'Timeline')),
      el(
        'ol',
        { class: 'timeline', 'data-testid': 'timeline' },
        c.timeline.map((e) => el('li', { class: e.automatic ? 'auto' : 'human' }, el('time', {}, formatTime(e.occurredAt)), el('b', {}, t(e.label)), el('span', { class: 'actor' }, e.automatic ? t('系统自动', 'automatic') : e.actor), e.reason ? el('p', { class: 'reason' }, e.reasonLabel ? t(e.reasonLabel) : e.reason) : '')),
      ),
    ),
  );
  // Across a transfer (a case another town asks this one to take over, or one handed on to another
  // town) the page shows the case and its timeline; its documents and posts are the other town's.
  const ownCase = !c.town || !user() || c.town === user().town;
  if (ownCase) {
    drawDocuments(documents, c);
    drawResponsibility(chain, c.id);
  } else {
    const elsewhere = t(`案件属于 ${c.town}：文书与责任人由该镇管理`, `The case is ${c.town}'s: its documents and posts are kept there`);
    documents.replaceChildren(el('p', { class: 'empty' }, elsewhere));
    chain.replaceChildren(el('p', { class: 'empty' }, elsewhere));
  }
  watchQueue(main, c, queueBox);
}

/**
 * This case's entries of the offline queue, redrawn as they change. When one that waited is
 * settled (sent, or refused because the case had moved on), the case is drawn again with the
 * news, unless the user is typing in one of its forms.
 */
function watchQueue(main, c, box) {
  let seen = null;
  const draw = async () => {
    if (seen && !box.isConnected) return stop();
    const list = await entriesOfCase(c.id);
    const settled = seen ? list.filter((e) => e.status !== 'pending' && seen.get(e.id) === 'pending') : [];
    seen = new Map(list.map((e) => [e.id, e.status]));
    if (settled.length && !submitting && untouched(main)) {
      const last = settled[settled.length - 1];
      return renderCase(main, c.id, last.status === 'sent' ? t(`已发送：${last.title.zh}`, `Sent: ${last.title.en}`) : t(`被拒绝：${last.title.zh}（原因见下）`, `Refused: ${last.title.en} (the reason is below)`));
    }
    box.replaceChildren(...(list.length ? [el('h3', {}, label('本机离线记录', 'Recorded offline on this device')), queueList(list)] : []));
  };
  const stop = onQueueChange(() => void draw());
  void draw();
}

/** Nothing typed in the page's action forms, no check-answers open. */
function untouched(main) {
  return !main.querySelector('[data-testid="check-answers"]') && [...main.querySelectorAll('form.action input, form.action select, form.action textarea')].every((input) => !input.value);
}

/** The chain as a progress line: done, the current stage with its deadlines, still to come. */
function progressLine(c) {
  const at = CHAIN.indexOf(c.stage === 'RETURNED' ? c.returnedFrom : c.stage);
  return el(
    'ol',
    { class: 'progress', 'data-testid': 'progress', 'aria-label': t('办理进度', 'Progress') },
    CHAIN.map((stage, i) => {
      const state = c.stage === stage ? 'current' : i < at || (at >= 0 && c.stage === 'RETURNED' && i <= at) ? 'done' : 'todo';
      return el(
        'li',
        { class: state, 'aria-current': state === 'current' ? 'step' : undefined },
        el('span', { class: 'step' }, name('stages', stage)),
        state === 'current'
          ? el(
              'span',
              { class: 'due' },
              c.actionDueAt ? `${t('应办期限', 'Action due')} ${formatTime(c.actionDueAt)}` : '',
              c.windowEndsAt ? ` · ${t('阶段时限', 'Stage ends')} ${formatTime(c.windowEndsAt)}` : '',
            )
          : el('span', { class: 'visually-hidden' }, state === 'done' ? t('（已完成）', ' (done)') : t('（未到）', ' (to come)')),
      );
    }),
    c.stage === 'RETURNED' ? el('li', { class: 'current', 'aria-current': 'step' }, el('span', { class: 'step' }, name('stages', 'RETURNED')), el('span', { class: 'due' }, c.windowEndsAt ? `${t('跟踪至', 'Follow-up until')} ${formatTime(c.windowEndsAt)}` : '')) : '',
  );
}

function childFacts(c) {
  const child = c.child;
  const fact = (zh, en, value) => [el('dt', {}, t(zh, en)), el('dd', {}, value)];
  return el(
    'details',
    { class: 'facts-box', 'data-testid': 'child-facts' },
    el('summary', {}, t('儿童与监护人', 'Child and guardians')),
    el(
      'dl',
      { class: 'facts' },
      fact('姓名', 'Name', child.name),
      fact('身份证号码', 'ID number', `${child.idNumber}${child.masked ? t('（已掩码）', ' (masked)') : ''}`),
      fact('出生日期', 'Born', formatDate(child.birthDate)),
      fact('学校班级', 'School, class', `${t(c.schoolLabel)} ${child.className}`),
      fact('责任区', 'Area', t(c.areaLabel)),
      fact('辍学原因', 'Cause', t(c.causeLabel)),
      fact('立案', 'Opened', `${formatTime(c.openedAt)} · ${c.openedBy}`),
      (child.guardians || []).map((g, i) => fact(`监护人 ${i + 1}`, `Guardian ${i + 1}`, `${g.name}（${g.relation}）${g.phone}`)),
    ),
  );
}

function supportSection(c) {
  const measures = c.supportMeasures || [];
  return el(
    'section',
    { class: 'support', 'data-testid': 'support' },
    el('h3', {}, label('帮扶措施与教育资助', 'Support measures and education aid')),
    measures.length
      ? el(
          'ul',
          { class: 'tasks' },
          measures.map((m) => el('li', { class: m.overdue ? 'overdue' : '' }, el('b', {}, t(m.measureLabel)), el('span', {}, `${t('负责人', 'owner')} ${m.owner || '—'} · ${t('期限', 'due')} ${formatTime(m.dueAt)}`), el('span', {}, t(m.outcomeLabel)))),
        )
      : el('p', { class: 'empty' }, t('尚无帮扶措施', 'No support measures yet')),
  );
}

/** The case's requests for approval (审批): what was asked, by whom, and the decision with its comment. */
function approvalsSection(c) {
  const approvals = c.approvals || [];
  if (!approvals.length && !(c.allowedActions || []).includes('REQUEST_APPROVAL')) return '';
  return el(
    'section',
    { class: 'approvals', 'data-testid': 'approvals' },
    el('h3', {}, label('审批', 'Approvals')),
    approvals.length
      ? el(
          'ul',
          { class: 'tasks' },
          approvals.map((a) =>
            el(
              'li',
              { class: a.status === 'PENDING' ? 'pending' : '' },
              el('b', {}, `${t(a.decisionLabel)} · ${t(a.statusLabel)}`),
              el('span', {}, `${a.requestedBy} ${formatTime(a.requestedAt)}：${a.reason}`),
              a.decidedAt ? el('span', {}, `${a.decidedBy} ${formatTime(a.decidedAt)}：${a.comment}`) : '',
            ),
          ),
        )
      : el('p', { class: 'empty' }, t('尚无审批申请', 'No requests for approval yet')),
  );
}

function actionPanel(main, c, type, open) {
  const spec = ACTION_FORMS[type];
  const title = c.allowedActionLabels && c.allowedActionLabels[type] ? t(c.allowedActionLabels[type]) : type;
  const openedOn = chinaDay(c.openedAt);
  const fields = spec.fields.map((f) => {
    const s = { ...f };
    if (f.past) Object.assign(s, { max: todayInChina(), min: openedOn });
    if (f.future) s.min = todayInChina();
    if (f.fromCase === 'pendingMeasures') s.options = (c.supportMeasures || []).filter((m) => m.outcome === 'PENDING').map((m) => ({ value: m.id, label: [`${m.measureLabel.zh}（${m.owner || ''}）`, m.measureLabel.en] }));
    if (f.fromCase === 'pendingApprovals') {
      s.options = (c.approvals || []).filter((a) => a.status === 'PENDING').map((a) => ({ value: a.id, label: [`${a.decisionLabel.zh}（${a.requestedBy}：${a.reason}）`, `${a.decisionLabel.en} (${a.requestedBy})`] }));
    }
    return field(s);
  });
  if (type === 'RECORD_SUPPORT_OUTCOME') {
    // Only the outcomes the chosen measure can end with.
    const [measure, outcome] = fields;
    const fit = () => {
      const m = (c.supportMeasures || []).find((x) => x.id === measure.input.value);
      const allowed = m ? OUTCOMES_OF_MEASURE[m.measure] : Object.keys(SUPPORT_OUTCOME_LABELS);
      for (const option of outcome.input.options) if (option.value) option.hidden = !allowed.includes(option.value);
    };
    measure.input.addEventListener('change', fit);
    fit();
  }
  const send = el('button', { type: 'submit', class: 'primary' }, t('继续', 'Continue'));
  const form = el('form', { class: 'action', 'data-action': type, novalidate: true }, fields.map((f) => f.row), send);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const typed = values(fields);
    const problems = actionProblems(type, typed, openedOn, t);
    if (problems.length) return showErrors(form, problems);
    clearErrors(form);
    const rows = fields.map((f) => {
      const v = typed[f.spec.name];
      const shown = f.spec.type === 'select' ? f.input.selectedOptions[0]?.textContent : f.spec.type === 'date' && v ? formatDate(v) : v;
      return { label: t(...f.spec.label), value: v ? shown : '', field: f.input };
    });
    send.hidden = true;
    try {
      await checkAnswers(form, { title: t(`请核对：${title}`, `Check: ${title}`), rows, warning: t('提交后记入办理经过，不能修改或删除。', 'Once sent it is in the timeline for good: it cannot be changed or deleted.') });
    } catch {
      send.hidden = false;
      return;
    }
    // Into the offline queue first (its own Idempotency-Key), then sent; without a network it waits there.
    submitting = true;
    let entry;
    try {
      entry = await submitAction(c, actionBody(type, typed), (c.allowedActionLabels && c.allowedActionLabels[type]) || { zh: type, en: type });
    } catch (err) {
      send.hidden = false;
      return showErrors(form, fromApi(err, form));
    } finally {
      submitting = false;
    }
    send.hidden = false;
    if (entry.status === 'refused') return showErrors(form, fromApi(asProblem(entry.refusal), form));
    if (entry.status === 'pending') {
      form.reset();
      for (const input of form.elements) input.dispatchEvent(new Event('input'));
      form.closest('details').open = false;
      const message = main.querySelector('[data-testid="action-message"]');
      message.className = 'pending';
      message.textContent = !entry.problem && navigator.onLine
        ? t(`已保存在本机，排在之前的离线记录之后发送：${title}`, `Kept on this device, sent after the earlier records: ${title}`)
        : !navigator.onLine || !entry.problem || entry.problem.status === 0
          ? t(`离线 — 记录会在联网后发送：${title}`, `Offline — recorded, sent once you are back online: ${title}`)
          : t(`暂未发送：${asProblem(entry.problem).words()}。记录已保存在本机，稍后自动发送：${title}`, `Not sent yet: ${asProblem(entry.problem).words()}. Kept on this device and sent shortly: ${title}`);
      message.setAttribute('tabindex', '-1');
      return message.focus();
    }
    if (!entry.answer) return renderCase(main, c.id, t(`已记录：${title}`, `Recorded: ${title}`)); // sent by another tab meanwhile
    const before = t(c.stageLabel);
    const after = t(entry.answer.case.stageLabel);
    await renderCase(main, c.id, before === after ? t(`已记录：${title}。阶段仍为：${after}`, `Recorded: ${title}. The stage is still: ${after}`) : t(`已记录：${title}。阶段：${before} → ${after}`, `Recorded: ${title}. Stage: ${before} → ${after}`));
    main.querySelector('[data-testid="action-message"]').focus?.();
  });
  return el('details', { class: 'action-panel', 'data-action-panel': type, open: open || undefined }, el('summary', {}, title), form);
}

async function drawDocuments(node, c) {
  let items;
  try {
    items = (await listDocuments(c.id)).items;
  } catch (err) {
    return node.replaceChildren(el('p', { class: 'error' }, err.words ? err.words() : String(err)));
  }
  const preview = el('div', { class: 'preview', 'data-testid': 'document-preview' });
  const issued = new Set(items.map((d) => d.kind));
  const message = el('p', { role: 'status', 'data-testid': 'document-message' });
  const mayIssue = documentKindsOf(user().role);
  const issueButtons = mayIssue.map((kind) =>
    el(
      'button',
      {
        type: 'button',
        'data-issue': kind,
        onclick: async (event) => {
          event.target.disabled = true;
          message.className = '';
          message.textContent = t('正在制发…', 'Issuing…');
          try {
            const d = await issueDocument(c.id, kind);
            await drawDocuments(node, c);
            const shown = node.querySelector('[data-testid="document-message"]');
            shown.className = 'ok';
            shown.textContent = t(`已制发：${d.kindLabel.zh} ${d.number}`, `Issued: ${d.kindLabel.en} ${d.number}`);
          } catch (err) {
            event.target.disabled = false;
            message.className = 'error';
            message.textContent = err.words ? err.words() : String(err);
          }
        },
      },
      t(`制发${DOCUMENT_KINDS[kind].label[0]}`, `Issue: ${DOCUMENT_KINDS[kind].label[1]}`),
    ),
  );
  node.replaceChildren(
    items.length
      ? el(
          'ul',
          { class: 'documents' },
          items.map((d) =>
            el(
              'li',
              { dataset: { kind: d.kind } },
              el('span', {}, `${t(d.kindLabel)} · ${d.number} · ${formatTime(d.issuedAt)} · ${d.issuedBy}`),
              el(
                'span',
                { class: 'buttons' },
                el('button', { type: 'button', 'data-preview': d.kind, onclick: () => showPreview(preview, d) }, t('预览', 'Preview')),
                el('button', { type: 'button', 'data-download': d.kind, onclick: () => download(d.downloads.pdf) }, t('下载 PDF', 'Download PDF')),
                el('button', { type: 'button', 'data-print': d.kind, onclick: () => showPreview(preview, d, true) }, t('打印', 'Print')),
              ),
            ),
          ),
        )
      : el('p', { class: 'empty' }, t('暂无文书', 'No documents yet')),
    c.open && issueButtons.length ? el('div', { class: 'buttons', 'data-testid': 'issue-documents' }, issueButtons.filter((b) => !issued.has(b.dataset.issue))) : '',
    message,
    el(
      'div',
      { class: 'buttons' },
      el('button', { type: 'button', 'data-testid': 'evidence-pack', onclick: () => download(`/api/cases/${c.id}/evidence-pack`) }, t('下载证据链（PDF）', 'Evidence pack (PDF)')),
      el('button', { type: 'button', onclick: () => download(`/api/cases/${c.id}/evidence-pack?format=zip`) }, t('证据链（ZIP）', 'Evidence pack (ZIP)')),
    ),
    preview,
  );
}

/** The document's printable HTML in a frame on the page; print prints that frame only. */
async function showPreview(node, d, print = false) {
  const html = await documentHtml(d.downloads.html);
  const frame = el('iframe', { title: t(`预览：${d.kindLabel.zh}`, `Preview: ${d.kindLabel.en}`), class: 'document-frame' });
  frame.srcdoc = html;
  node.replaceChildren(el('p', {}, el('b', {}, `${t(d.kindLabel)} ${d.number}`), ' ', el('button', { type: 'button', onclick: () => frame.contentWindow.print() }, t('打印', 'Print')), el('button', { type: 'button', onclick: () => node.replaceChildren() }, t('关闭预览', 'Close preview'))), frame);
  if (print) frame.addEventListener('load', () => frame.contentWindow.print(), { once: true });
}
