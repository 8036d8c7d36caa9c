'use strict';
// The dashboard: polls /api/jobs and /api/cluster every second; images are fetched with the API key
// and shown as object URLs (an <img src> cannot send headers).
const $ = s => document.querySelector(s);
const keyInput = $('#apikey');
keyInput.value = localStorage.getItem('hific-api-key') || '';
function keyCookie() { document.cookie = `hific-api-key=${encodeURIComponent(keyInput.value)}; path=/; SameSite=Strict`; }
keyCookie();
keyInput.addEventListener('change', () => { localStorage.setItem('hific-api-key', keyInput.value); keyCookie(); refresh(); });
// Target completion time of the scaling advice, per browser.
const targetInput = $('#target');
targetInput.value = localStorage.getItem('hific-target-min') || targetInput.value;
targetInput.addEventListener('change', () => { localStorage.setItem('hific-target-min', targetInput.value); refresh(); });

const chart = new LineChart($('#chart'));
let selectedJob = null, viewerJob = null, lastJobs = [];

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (keyInput.value) h['X-Api-Key'] = keyInput.value;
  return h;
}

async function api(path, options) {
  const res = await fetch(path, Object.assign({}, options, { headers: headers(options && options.headers) }));
  if (!res.ok) {
    let detail = res.statusText;
    try { const p = await res.json(); detail = p.errors ? Object.values(p.errors).flat().join('; ') : (p.detail || p.title || detail); } catch { }
    const e = new Error(detail); e.status = res.status; throw e;
  }
  return res;
}

const fmt = {
  n: v => v == null ? '–' : Number(v).toLocaleString('en-US'),
  f: (v, d = 2) => v == null ? '–' : Number(v).toFixed(d),
  bytes: v => { if (!v) return '0 B'; const u = ['B', 'KB', 'MB', 'GB', 'TB']; let i = 0; v = Number(v); while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; } return v.toFixed(i ? 1 : 0) + ' ' + u[i]; },
  eta: s => { if (s == null) return '–'; s = Math.round(s); if (s < 60) return s + 's'; const m = Math.floor(s / 60); return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`; },
};

function esc(s) { return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]); }

// Constant-quality jobs: how many images got each chosen rate t (a bar per rate), and how many missed the target.
function rateHistogram(s) {
  if (!s.spec || s.spec.targetMsSsim == null) return '';
  const rates = s.chosenRates || [], most = Math.max(1, ...rates.map(r => r.images));
  const bars = rates.map(r => `<span title="t = ${fmt.f(r.rate, 3)}: ${fmt.n(r.images)} images" style="display:inline-block;width:6px;margin-right:1px;background:#4a8;height:${Math.max(2, Math.round(16 * r.images / most))}px"></span>`).join('');
  const range = rates.length ? `t ${fmt.f(rates[0].rate, 2)}–${fmt.f(rates[rates.length - 1].rate, 2)}` : 'no images yet';
  return `<div class="muted" title="MS-SSIM target ${s.spec.targetMsSsim}: chosen rates">${bars} ${range}${s.targetMissed ? `, ${fmt.n(s.targetMissed)} missed` : ''}</div>`;
}

function renderJobs(jobs) {
  lastJobs = jobs;
  const rows = jobs.map(j => {
    const s = j.status, pct = j.percent == null ? 0 : j.percent;
    const active = ['Enumerating', 'Running'].includes(s.phase);
    return `<tr data-job="${esc(s.jobId)}">
      <td><a href="#" class="select">${esc(s.jobId)}</a></td>
      <td class="phase-${esc(s.phase)}">${esc(s.phase)}</td>
      <td><div class="bar" role="progressbar" aria-valuenow="${pct}"><span style="width:${pct}%"></span><em>${j.percent == null ? 'listing…' : pct.toFixed(1) + '%'}</em></div></td>
      <td>${fmt.n(s.done)} / ${fmt.n(s.queued)}${rateHistogram(s)}</td>
      <td>${fmt.n(s.failed)}</td>
      <td>${fmt.f(s.itemsPerSecond)}</td>
      <td>${fmt.eta(j.etaSeconds)}</td>
      <td>${fmt.bytes(j.bytesSaved)}</td>
      <td>${j.ratio ? fmt.f(j.ratio, 1) + '×' : '–'}</td>
      <td>
        ${active ? '<button class="small act" data-act="pause">pause</button>' : ''}
        ${s.phase === 'Paused' ? '<button class="small act" data-act="resume">resume</button>' : ''}
        ${active || s.phase === 'Paused' ? '<button class="small act" data-act="cancel">cancel</button>' : ''}
        <button class="small view">view</button>
      </td></tr>`;
  });
  $('#jobs tbody').innerHTML = rows.join('') || '<tr><td colspan="10" class="muted">no jobs yet</td></tr>';
  const sel = jobs.find(j => j.status.jobId === selectedJob) || jobs[0];
  renderFailures(sel);
}

function renderFailures(job) {
  if (!job) { $('#failures').innerHTML = '<li class="muted">none</li>'; $('#fail-job').textContent = ''; return; }
  const s = job.status;
  $('#fail-job').textContent = `${s.jobId} (${fmt.n(s.failuresTotal)})`;
  const items = (s.failures || []).map(f => `<li><code>${esc(f.sourcePath)}</code> — ${esc(f.reason)} <span class="muted">(${f.attempts} attempt${f.attempts === 1 ? '' : 's'})</span></li>`);
  if (s.error) items.unshift(`<li><b>job failed:</b> ${esc(s.error)}</li>`);
  $('#failures').innerHTML = items.join('') || '<li class="muted">none</li>';
}

function renderCluster(c) {
  $('#m-ips').textContent = fmt.f(c.itemsPerSecond);
  $('#m-mps').textContent = fmt.f(c.megapixelsPerSecond, 3);
  $('#m-queue').textContent = c.queueDepth < 0 ? '–' : fmt.n(c.queueDepth);
  $('#m-active').textContent = fmt.n(c.activeJobs);
  $('#m-failed').textContent = fmt.n(c.failedItems);
  const sc = c.scaling;
  $('#m-rec').textContent = sc.recommendedSilos == null ? '–' : `${sc.recommendedSilos}`;
  $('#m-rec-why').textContent = sc.recommendedSilos == null || sc.itemsPerSecondPerSilo == null ? sc.reason
    : `${fmt.n(sc.queueDepth)} queued · ${fmt.f(sc.itemsPerSecondPerSilo)} items/s per silo (${sc.basis}) · within ${fmt.eta(sc.targetSeconds)}`
      + (sc.etaSeconds != null && sc.acceptingSilos ? ` · ${fmt.eta(sc.etaSeconds)} at ${sc.acceptingSilos} now` : '');
  $('#m-rec-why').title = sc.reason;
  // Drain/undrain and concurrency (− / +) per silo; buttons, not inputs, because the table is redrawn every second.
  $('#silos tbody').innerHTML = c.silos.map(s => `<tr data-silo="${esc(s.silo)}" class="${s.accepting ? '' : 'drained'}">
    <td>${esc(s.silo)}</td><td>${esc(s.host)}</td><td>${esc(s.device)}</td>
    <td class="state">${s.accepting ? '<span class="st ok">accepting</span>' : `<span class="st warn">${s.busy ? 'draining' : 'drained'}</span>`}</td>
    <td class="conc"><button class="small conc" data-delta="-1" title="one model instance less"${s.modelInstances <= 1 ? ' disabled' : ''}>−</button><b class="n">${s.modelInstances}</b><button class="small conc" data-delta="1" title="one model instance more">+</button> <span class="muted">× ${s.threadsPerInstance}t</span></td>
    <td>${s.busy}</td>
    <td>${fmt.f(s.itemsPerSecond)}</td><td>${fmt.f(s.megapixelsPerSecond, 3)}</td><td>${fmt.f(s.meanModelMs, 0)}</td><td>${fmt.n(s.itemsDone)}</td>
    <td><button class="small silo-act" data-act="${s.accepting ? 'drain' : 'undrain'}" title="${s.accepting ? 'stop taking new items; items in progress finish' : 'take items again'}">${s.accepting ? 'drain' : 'undrain'}</button></td></tr>`).join('')
    || '<tr><td colspan="11" class="muted">no silo has reported yet</td></tr>';
  chart.draw(c.history.map(p => ({ t: Date.parse(p.utc), ips: p.itemsPerSecond, mps: p.megapixelsPerSecond })),
    [{ key: 'ips', color: '#4fb3ff', width: 3.5 }, { key: 'mps', color: '#ffb34f', width: 1.5, dash: [5, 4] }]);
}

async function refresh() {
  try {
    const target = Number(targetInput.value), q = target >= 1 && target <= 10080 ? `?targetMinutes=${target}` : '';
    const [jobs, cluster] = await Promise.all([api('/api/jobs').then(r => r.json()), api('/api/cluster' + q).then(r => r.json())]);
    renderJobs(jobs); renderCluster(cluster);
    $('#conn').textContent = `live · ${cluster.mode} · ${cluster.silos.length} silo${cluster.silos.length === 1 ? '' : 's'}`; $('#conn').className = 'pill ok';
  } catch (e) {
    $('#conn').textContent = e.status === 401 ? 'API key needed' : 'offline: ' + e.message; $('#conn').className = 'pill bad';
  }
}

$('#jobs').addEventListener('click', async ev => {
  const tr = ev.target.closest('tr[data-job]'); if (!tr) return;
  const id = tr.dataset.job;
  if (ev.target.classList.contains('select')) { ev.preventDefault(); selectedJob = id; renderFailures(lastJobs.find(j => j.status.jobId === id)); }
  if (ev.target.classList.contains('act')) {
    try { await api(`/api/jobs/${encodeURIComponent(id)}/${ev.target.dataset.act}`, { method: 'POST' }); refresh(); }
    catch (e) { alert(e.message); }
  }
  if (ev.target.classList.contains('view')) openViewer(id);
});

$('#silos').addEventListener('click', async ev => {
  const tr = ev.target.closest('tr[data-silo]'), b = ev.target.closest('button'); if (!tr || !b) return;
  const path = `/api/silos/${encodeURIComponent(tr.dataset.silo)}`;
  try {
    if (b.classList.contains('silo-act')) await api(`${path}/${b.dataset.act}`, { method: 'POST' });
    if (b.classList.contains('conc')) {
      const n = Number(tr.querySelector('.conc b').textContent) + Number(b.dataset.delta);
      await api(`${path}/concurrency`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ concurrency: n }) });
    }
    refresh();
  } catch (e) { alert(e.message); }
});

$('#submit').addEventListener('submit', async ev => {
  ev.preventDefault();
  const f = new FormData(ev.target), msg = $('#submit-msg');
  const body = { source: f.get('source'), destination: f.get('destination'), tileSize: Number(f.get('tileSize')), refineSteps: Number(f.get('refineSteps') || 0), verify: f.get('verify') === 'on' };
  // Effort (fast, balanced, max) unless explicit refinement steps are given; empty = the silo's default.
  if (f.get('effort') && body.refineSteps === 0) body.effort = f.get('effort');
  // A name from the model's card (lo, mi, hi) or a number t; empty leaves the card's default (mi).
  // A target MS-SSIM chooses the rate per image (constant quality): then no rate is sent.
  const target = String(f.get('targetMsSsim') || '').trim();
  const rate = target !== '' ? '' : String(f.get('rate') || '').trim();
  if (target !== '') body.targetMsSsim = Number(target);
  if (rate !== '' && Number.isFinite(Number(rate))) body.rate = Number(rate); else if (rate !== '') body.rateName = rate;
  if (f.get('model')) body.model = f.get('model');
  msg.className = 'msg'; msg.textContent = 'starting…';
  try {
    const job = await (await api('/api/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
    selectedJob = job.status.jobId;
    msg.className = 'msg ok'; msg.textContent = `started ${job.status.jobId}`;
    refresh();
  } catch (e) { msg.className = 'msg bad'; msg.textContent = e.message; }
});

async function openViewer(jobId) {
  viewerJob = jobId;
  $('#viewer-job').textContent = jobId;
  const sel = $('#images'), msg = $('#viewer-msg');
  try {
    const page = await (await api(`/api/jobs/${encodeURIComponent(jobId)}/images?max=500`)).json();
    sel.innerHTML = page.images.map(i => `<option value="${esc(i.path)}">${esc(i.path)}</option>`).join('') || '<option value="">nothing archived yet</option>';
    msg.textContent = `${page.images.length} image(s)`;
    if (page.images.length) await showImage(page.images[0].path);
  } catch (e) { msg.className = 'msg bad'; msg.textContent = e.message; }
  $('#viewer').scrollIntoView({ behavior: 'smooth' });
}

const urls = [];
async function blobUrl(path) {
  const res = await api(path);
  const url = URL.createObjectURL(await res.blob());
  urls.push(url); while (urls.length > 8) URL.revokeObjectURL(urls.shift());
  return url;
}

async function showImage(path) {
  const msg = $('#viewer-msg'), enc = path.split('/').map(encodeURIComponent).join('/'), q = `?job=${encodeURIComponent(viewerJob)}`;
  msg.className = 'msg'; msg.textContent = 'restoring…';
  try {
    const [orig, rest] = await Promise.all([blobUrl(`/api/originals/${enc}${q}`), blobUrl(`/api/images/${enc}${q}`)]);
    $('#img-original').src = orig; $('#cmp-original').src = orig;
    $('#img-restored').src = rest; $('#cmp-restored').src = rest;
    await Promise.all([...document.querySelectorAll('#viewer img')].map(i => i.decode().catch(() => { })));
    msg.className = 'msg ok'; msg.textContent = `${path}: restored`;
    $('#viewer').dataset.loaded = path;
  } catch (e) { msg.className = 'msg bad'; msg.textContent = e.message; }
}

$('#images').addEventListener('change', ev => { if (ev.target.value) showImage(ev.target.value); });
$('#mode-slider').addEventListener('change', ev => {
  $('#compare').classList.toggle('hidden', !ev.target.checked);
  $('#side').classList.toggle('hidden', ev.target.checked);
});
$('#cmp-range').addEventListener('input', ev => { $('#cmp-restored').style.clipPath = `inset(0 ${100 - ev.target.value}% 0 0)`; });

refresh();
setInterval(refresh, 1000);
