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

// Redraws a table body, replacing only the cells that changed. The page refreshes every second: a
// button replaced between mousedown and mouseup gets no click at all, so a wholesale redraw lost clicks
// (seen by the browser tests under load). Rows are matched by their key (data-job, data-silo).
function patchBody(tbody, html) {
  if (tbody._html === html) return;
  tbody._html = html;
  const fresh = document.createElement('tbody');
  fresh.innerHTML = html;
  const key = r => r.dataset.job ?? r.dataset.silo ?? '';
  const rows = [...fresh.rows], old = [...tbody.rows];
  if (rows.length !== old.length || rows.some((r, i) => key(r) !== key(old[i]) || r.cells.length !== old[i].cells.length)) {
    tbody.replaceChildren(...rows);
    return;
  }
  rows.forEach((r, i) => {
    const o = old[i];
    if (o.className !== r.className) o.className = r.className;
    [...r.cells].forEach((c, j) => { if (o.cells[j].outerHTML !== c.outerHTML) o.cells[j].replaceWith(c); });
  });
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
      <td>${j.bytesSaved == null ? '–' : fmt.bytes(j.bytesSaved)}</td>
      <td>${j.ratio ? fmt.f(j.ratio, 1) + '×' : '–'}</td>
      <td>
        ${active ? '<button class="small act" data-act="pause">pause</button>' : ''}
        ${s.phase === 'Paused' ? '<button class="small act" data-act="resume">resume</button>' : ''}
        ${active || s.phase === 'Paused' ? '<button class="small act" data-act="cancel">cancel</button>' : ''}
        <button class="small browse">browse</button>
        <button class="small view">view</button>
      </td></tr>`;
  });
  patchBody($('#jobs tbody'), rows.join('') || '<tr><td colspan="10" class="muted">no jobs yet</td></tr>');
  const sel = jobs.find(j => j.status.jobId === selectedJob) || jobs[0];
  renderFailures(sel);
}

function renderFailures(job) {
  if (!job) { $('#failures').innerHTML = '<li class="muted">none</li>'; $('#fail-job').textContent = ''; return; }
  const s = job.status;
  $('#fail-job').textContent = `${s.jobId} (${fmt.n(s.failuresTotal)})`;
  const items = (s.failures || []).map(f => `<li><code>${esc(f.sourcePath)}</code> — ${esc(f.reason)} <span class="muted">(${f.attempts} attempt${f.attempts === 1 ? '' : 's'})</span></li>`);
  if (s.error) items.unshift(`<li><b>job failed:</b> ${esc(s.error)}</li>`);
  // Restore jobs: outputs whose name held a file no restore wrote (or one changed since) were not touched.
  if (s.leftAlone > 0) items.push(`<li class="left-alone"><b>${fmt.n(s.leftAlone)} output${s.leftAlone === 1 ? '' : 's'} left alone:</b> the files at their names were not written by a restore (or were changed since); restore with overwrite to replace them</li>`);
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
  patchBody($('#silos tbody'), c.silos.map(s => `<tr data-silo="${esc(s.silo)}" class="${s.accepting ? '' : 'drained'}">
    <td>${esc(s.silo)}</td><td>${esc(s.host)}</td><td>${esc(s.device)}</td>
    <td class="state">${s.accepting ? '<span class="st ok">accepting</span>' : `<span class="st warn">${s.busy ? 'draining' : 'drained'}</span>`}</td>
    <td class="conc"><button class="small conc" data-delta="-1" title="one model instance less"${s.modelInstances <= 1 ? ' disabled' : ''}>−</button><b class="n">${s.modelInstances}</b><button class="small conc" data-delta="1" title="one model instance more">+</button> <span class="muted">× ${s.threadsPerInstance}t</span></td>
    <td>${s.busy}</td>
    <td title="mean wait for a model instance ${fmt.f(s.meanQueueWaitMs ?? 0, 0)} ms">${Math.round(100 * (s.networkBusyShare ?? 0))}%</td>
    <td>${fmt.f(s.itemsPerSecond)}</td><td>${fmt.f(s.megapixelsPerSecond, 3)}</td><td>${fmt.f(s.meanModelMs, 0)}</td><td>${fmt.n(s.itemsDone)}</td>
    <td><button class="small silo-act" data-act="${s.accepting ? 'drain' : 'undrain'}" title="${s.accepting ? 'stop taking new items; items in progress finish' : 'take items again'}">${s.accepting ? 'drain' : 'undrain'}</button></td></tr>`).join('')
    || '<tr><td colspan="12" class="muted">no silo has reported yet</td></tr>');
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
  if (ev.target.classList.contains('browse')) openBrowser(id);
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

async function openViewer(jobId, path) {
  viewerJob = jobId;
  $('#viewer-job').textContent = jobId;
  const sel = $('#images'), msg = $('#viewer-msg');
  try {
    const page = await (await api(`/api/jobs/${encodeURIComponent(jobId)}/images?max=500`)).json();
    sel.innerHTML = page.images.map(i => `<option value="${esc(i.path)}">${esc(i.path)}</option>`).join('') || '<option value="">nothing archived yet</option>';
    msg.textContent = `${page.images.length} image(s)`;
    // A path picked elsewhere (the archive browser) may lie beyond the first 500: it gets its own option.
    const first = path || (page.images.length ? page.images[0].path : null);
    if (path && !page.images.some(i => i.path === path)) sel.insertAdjacentHTML('afterbegin', `<option value="${esc(path)}">${esc(path)}</option>`);
    if (first) { sel.value = first; await showImage(first); }
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

// The archive browser (issue 19 item 5): pages of GET /api/jobs/{id}/entries, thumbnails restored
// at 96 px only when their row scrolls into view, a histogram of per-image quality, totals saved.
const browser = { job: null, page: 1, pageSize: 25, data: null, thumbs: [], timer: null };
const thumbObserver = new IntersectionObserver(entries => {
  for (const e of entries) if (e.isIntersecting) { thumbObserver.unobserve(e.target); loadThumb(e.target); }
}, { rootMargin: '200px' });

// Each thumbnail is a decode on the cluster (of the whole image, for big ones): at most 4 at a
// time, and rows that left the page (another page, search or order) are not fetched at all.
const thumbQueue = []; let thumbsRunning = 0;
function loadThumb(img) { thumbQueue.push(img); pumpThumbs(); }
function pumpThumbs() {
  while (thumbsRunning < 4 && thumbQueue.length) {
    const img = thumbQueue.shift();
    if (!img.isConnected) continue;
    thumbsRunning++;
    fetchThumb(img).finally(() => { thumbsRunning--; pumpThumbs(); });
  }
}

async function fetchThumb(img) {
  const enc = img.dataset.path.split('/').map(encodeURIComponent).join('/');
  try {
    const res = await api(`/api/images/${enc}?job=${encodeURIComponent(browser.job)}&width=96&height=96&format=jpeg&quality=75`);
    const url = URL.createObjectURL(await res.blob());
    browser.thumbs.push(url);
    img.src = url;
  } catch (e) { img.alt = 'no preview'; img.title = e.message; img.classList.add('failed'); }
}

function openBrowser(jobId) {
  if (browser.job !== jobId) { browser.page = 1; $('#b-search').value = ''; }
  browser.job = jobId;
  $('#browser-job').textContent = jobId;
  loadEntries();
  $('#browser').scrollIntoView({ behavior: 'smooth' });
}

async function loadEntries() {
  if (!browser.job) return;
  clearTimeout(browser.timer);
  const msg = $('#b-msg'), sort = $('#b-sort').value, q = $('#b-search').value.trim();
  const params = new URLSearchParams({ page: browser.page, pageSize: browser.pageSize, sort });
  if (q) params.set('q', q);
  msg.className = 'msg'; msg.textContent = 'loading…';
  try {
    const data = await (await api(`/api/jobs/${encodeURIComponent(browser.job)}/entries?${params}`)).json();
    browser.data = data;
    renderEntries(data);
    msg.className = 'msg' + (data.indexing ? '' : ' ok');
    msg.textContent = data.indexing ? `indexing… ${fmt.n(data.indexed)} entries so far` : `${fmt.n(data.indexed)} entries indexed` + (data.truncated ? ' (more than the index holds)' : '');
    // A large archive's first index is built in the background: ask again until it is complete.
    if (data.indexing) browser.timer = setTimeout(loadEntries, 1500);
    $('#browser').dataset.loaded = `${browser.job}|${sort}|${browser.page}|${q}|${data.indexing ? 'partial' : 'complete'}`;
  } catch (e) { msg.className = 'msg bad'; msg.textContent = e.message; }
}

const pct = v => v == null ? '–' : (100 * v).toFixed(1) + '%';

function renderEntries(d) {
  const t = d.totals;
  $('#b-totals').innerHTML = !t.images ? 'nothing archived' + ($('#b-search').value ? ' matches' : ' yet') :
    `<b>${fmt.n(t.images)}</b> image${t.images === 1 ? '' : 's'} · <b>${fmt.bytes(t.bytesBefore)}</b> → <b>${fmt.bytes(t.bytesAfter)}</b>
     · saved <b class="saved">${fmt.bytes(t.bytesSaved)}</b> (${pct(t.bytesBefore ? t.bytesSaved / t.bytesBefore : null)}) · ratio <b>${fmt.f(t.ratio, 1)}×</b>
     · ${fmt.f(t.bpp, 3)} bpp<br>mean PSNR ${t.meanPsnr == null ? '–' : fmt.f(t.meanPsnr) + ' dB'} · mean MS-SSIM ${fmt.f(t.meanMsSsim, 4)}
     · ${fmt.n(t.measured)} measured${t.keptOriginals ? ` · ${fmt.n(t.keptOriginals)} kept as originals` : ''}`;
  drawHistogram();
  const pages = Math.max(1, Math.ceil(d.matches / d.pageSize));
  $('#b-pageinfo').textContent = `page ${d.page} of ${pages} · ${fmt.n(d.matches)} match${d.matches === 1 ? '' : 'es'}`;
  $('#b-prev').disabled = d.page <= 1; $('#b-next').disabled = d.page >= pages;
  browser.thumbs.forEach(u => URL.revokeObjectURL(u)); browser.thumbs = [];
  const q = (v, d) => v == null ? '<span class="muted">–</span>' : fmt.f(v, d);
  $('#entries tbody').innerHTML = d.items.map(e => `<tr data-path="${esc(e.path)}" class="entry" title="open in the viewer">
    <td><img class="thumb" data-path="${esc(e.path)}" alt="" width="48" height="48"></td>
    <td class="path">${esc(e.path)}</td>
    <td>${e.width}×${e.height}</td>
    <td>${fmt.bytes(e.sourceSize)} → ${fmt.bytes(e.outputSize)}</td>
    <td>${fmt.bytes(e.saved)} <span class="muted">${fmt.f(e.ratio, 1)}×</span></td>
    <td>${fmt.f(e.bpp, 3)}</td>
    <td class="psnr">${q(e.psnr, 2)}</td>
    <td class="msssim">${q(e.msSsim, 4)}</td>
    <td>${q(e.worstTilePsnr, 2)} / ${q(e.worstTileMsSsim, 4)}</td>
    <td>${e.keptOriginal ? `<span class="st warn" title="stored as the original's bytes">${esc(e.keptReason || 'original')}</span>` : ''}</td></tr>`).join('')
    || `<tr><td colspan="10" class="muted">${d.indexing ? 'indexing…' : 'no entries'}</td></tr>`;
  document.querySelectorAll('#entries img.thumb').forEach(i => thumbObserver.observe(i));
  const sort = $('#b-sort').value.replace(/^-/, '');
  document.querySelectorAll('#entries th[data-sort]').forEach(th => th.classList.toggle('sorted', th.dataset.sort === sort));
}

function drawHistogram() {
  const c = $('#b-hist'), ctx = c.getContext('2d'), d = browser.data;
  const h = d && ($('#b-metric').value === 'psnr' ? d.psnrHistogram : d.msSsimHistogram);
  const W = c.width, H = c.height, pad = 18;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#8a96a3'; ctx.font = '11px system-ui, sans-serif';
  if (!h) { ctx.fillText('no measured images (jobs measure quality with verify)', 8, H / 2); c.dataset.bins = ''; return; }
  const max = Math.max(...h.counts), bw = (W - 2) / h.counts.length, digits = h.metric === 'psnr' ? 1 : 3;
  h.counts.forEach((n, i) => {
    const bh = max ? (H - 2 * pad) * n / max : 0;
    ctx.fillStyle = '#4fb3ff';
    ctx.fillRect(1 + i * bw, H - pad - bh, Math.max(1, bw - 2), bh);
    if (n) { ctx.fillStyle = '#dde3ea'; ctx.fillText(String(n), 1 + i * bw + bw / 2 - 3, H - pad - bh - 3); }
  });
  ctx.fillStyle = '#8a96a3';
  ctx.fillText(h.min.toFixed(digits), 2, H - 4);
  const right = h.max.toFixed(digits); ctx.fillText(right, W - ctx.measureText(right).width - 2, H - 4);
  ctx.fillText('← worse', W / 2 - 50, H - 4); ctx.fillText('better →', W / 2 + 6, H - 4);
  c.dataset.bins = h.counts.join(',');
}

$('#b-sort').addEventListener('change', () => { browser.page = 1; loadEntries(); });
$('#b-metric').addEventListener('change', drawHistogram);
let searchTimer = null;
$('#b-search').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => { browser.page = 1; loadEntries(); }, 250); });
$('#b-prev').addEventListener('click', () => { if (browser.page > 1) { browser.page--; loadEntries(); } });
$('#b-next').addEventListener('click', () => { browser.page++; loadEntries(); });
$('#b-refresh').addEventListener('click', loadEntries);
$('#entries thead').addEventListener('click', ev => {
  const th = ev.target.closest('th[data-sort]'); if (!th) return;
  const sel = $('#b-sort'), cur = sel.value;
  // A second click on the sorted column reverses it where the list offers the reverse.
  const next = cur === th.dataset.sort && [...sel.options].some(o => o.value === '-' + cur) ? '-' + cur : th.dataset.sort;
  sel.value = next; browser.page = 1; loadEntries();
});
$('#entries tbody').addEventListener('click', ev => {
  const tr = ev.target.closest('tr[data-path]'); if (!tr) return;
  openViewer(browser.job, tr.dataset.path);
});

refresh();
setInterval(refresh, 1000);
