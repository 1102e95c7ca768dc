/* Steward's cookie banner. Embed: <script src="https://STEWARD/consent.js?jurisdiction=eu-gdpr" async></script>
   (docs/consent.md). Written by hand, no framework: nothing is stored before a choice, nothing blocks the page.
   Steward serves it with the configuration for the URL's jurisdiction and language (or the browser's) and the
   stylesheet inside, so a first visit shows the banner as soon as the script runs, with no second round trip. */
((inline, styles) => {
  const me = document.currentScript;
  if (!me || window.stewardConsent) return;
  const api = window.stewardConsent = {};
  const ds = me.dataset;
  const src = new URL(me.src);
  const base = src.origin;
  const asked = src.searchParams;
  const NAME = ds.cookie || 'steward_consent';
  const SIGNALS = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage', 'functionality_storage', 'personalization_storage', 'security_storage'];
  const dataLayer = window.dataLayer = window.dataLayer || [];
  // Google's gtag() pushes its arguments object; Consent Mode reads only that form.
  function gtag() { dataLayer.push(arguments); }
  const signals = on => Object.fromEntries(SIGNALS.map(s => [s, on(s) ? 'granted' : 'denied']));
  // Consent Mode defaults before any tag: every signal denied until the policy's categories and the choice say otherwise.
  gtag('consent', 'default', { ...signals(() => false), wait_for_update: 500 });

  const lang = ds.lang || asked.get('lang') || (navigator.languages || [navigator.language]).map(l => /^zh/i.test(l) ? 'zh-CN' : /^en/i.test(l) ? 'en' : '').find(Boolean) || 'en';
  const raw = (document.cookie.match(new RegExp('(?:^|; )' + NAME + '=([^;]*)')) || [])[1];
  const json = r => r.ok ? r.json() : Promise.reject(r.status);
  // A string body goes as text/plain: a simple request, which the browser sends without a preflight.
  const post = (path, body) => fetch(base + path, { method: 'POST', body: JSON.stringify(body) }).then(json);
  const uuid = () => '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, c => (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16));
  const jurisdiction = ds.jurisdiction || asked.get('jurisdiction');
  const q = new URLSearchParams({ lang });
  if (jurisdiction) q.set('jurisdiction', jurisdiction);
  // The configuration that came with the script is used when it is the one this tag asks for; otherwise it is fetched.
  const fits = inline && inline.language === lang && (!jurisdiction || inline.jurisdiction === jurisdiction);
  // A constructed stylesheet needs no request (and no style-src for an inline style); older browsers load the file.
  let css;
  if (styles && document.adoptedStyleSheets && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(styles);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } else css = new Promise((ok, fail) => document.head.append(h('link', { rel: 'stylesheet', href: base + '/consent.css', onload: ok, onerror: fail })));
  // Tagged scripts are looked for once the page is parsed; the banner shows as soon as there is a body to show it in.
  const parsed = new Promise(ok => document.readyState === 'loading' ? document.addEventListener('DOMContentLoaded', ok) : ok());
  const withBody = f => document.body ? f() : parsed.then(f);

  let cfg, state, gpc, box, back;
  const t = k => cfg.texts[k];
  const choice = k => state && state.choices[k];
  const on = k => { const c = cfg.categories.find(x => x.key === k); return !!c && (c.required || (choice(k) === 'granted' && !(gpc && c.gpc))); };

  // Steward slow or down: nothing is shown and the tagged scripts stay inert; the page never waits for us.
  Promise.all([
    fits ? inline : fetch(base + '/consent/config?' + q).then(json),
    /^[\w-]+\.\d+\.[\w-]+$/.test(raw || '') ? post('/consent/state', { cookie: raw }).catch(() => null) : null,
    css,
  ]).then(([c, s]) => {
    cfg = c;
    state = s; // a tampered or malformed cookie is refused by Steward: no choice
    gpc = (navigator.globalPrivacyControl === true || cfg.gpcSignal) && !!t('gpcHonoured');
    Object.assign(api, { open: () => show(true), get: on });
    document.addEventListener('click', e => {
      const link = e.target.closest && e.target.closest('[data-steward-settings]');
      if (link) { e.preventDefault(); show(true); }
    });
    // The browser's signal is the visitor's choice for what it reaches: recorded once, then kept in the cookie.
    return (gpc && !(state && state.gpc) ? send('gpc').catch(() => {}) : Promise.resolve()).then(() => {
      parsed.then(apply);
      if (ds.mode === 'preferences') parsed.then(() => panel(document.getElementById(ds.target || 'steward-preferences'), 'preference-centre'));
      else if (cfg.categories.some(c => !c.required && !choice(c.key))) withBody(() => show(false));
    });
  }).catch(() => {});

  function send(method, choices) {
    return post('/consent/choices', {
      consentId: state ? state.consentId : uuid(), method, choices, gpc,
      policyVersion: cfg.policyVersion, textHash: cfg.textHash, language: cfg.language, jurisdiction: cfg.jurisdiction,
      cookie: state ? state.cookie : undefined,
    }).then(s => {
      state = s;
      document.cookie = NAME + '=' + s.cookie + '; Max-Age=' + cfg.maxAge + '; Path=/; SameSite=Lax'
        + (location.protocol === 'https:' ? '; Secure' : '') + (ds.cookieDomain ? '; Domain=' + ds.cookieDomain : '');
      apply();
    });
  }

  function apply() {
    const granted = new Set(cfg.categories.filter(c => on(c.key)).flatMap(c => c.consentMode));
    gtag('consent', 'update', signals(s => granted.has(s)));
    for (const old of document.querySelectorAll('script[type="text/plain"][data-category]')) {
      if (!on(old.dataset.category)) continue;
      const s = document.createElement('script');
      for (const a of old.attributes) if (a.name !== 'type') s.setAttribute(a.name, a.value);
      s.async = false; // keep the page's order among tagged scripts
      s.text = old.text;
      old.replaceWith(s);
    }
  }

  const all = v => Object.fromEntries(cfg.categories.filter(c => !c.required).map(c => [c.key, v]));

  function show(settings) {
    if (!box) {
      back = document.activeElement;
      box = h('div', { id: 'steward-banner', className: 'stw', role: 'dialog', 'aria-labelledby': 'stw-t', 'aria-describedby': 'stw-d', lang: cfg.language, onkeydown: e => { if (e.key === 'Escape' && box.querySelector('fieldset')) layer(false); } },
        h('h2', { id: 'stw-t', tabIndex: -1 }, t('title')),
        h('p', { id: 'stw-d' }, t('intro') + (/^zh/.test(cfg.language) ? '' : ' '), // Chinese puts no space after 。
        h('a', { href: base + '/privacy?lang=' + cfg.language + '&jurisdiction=' + cfg.jurisdiction }, t('notice'))),
        gpc ? h('p', { className: 'stw-g' }, t('gpcHonoured')) : '',
        h('div', { className: 'stw-b' },
          button('acceptAll', () => decide('banner', all('granted'))),
          button('rejectAll', () => decide('banner', all('denied'))),
          h('button', { type: 'button', id: 'stw-s', 'aria-expanded': 'false', onclick: () => box.querySelector('fieldset') ? layer(false) : show(true) }, t('settings'))),
        h('div', { id: 'stw-p' }));
      document.body.append(box);
    }
    layer(settings);
    (settings && box.querySelector('input:not([disabled])') || box.querySelector('h2')).focus();
  }

  function layer(open) {
    const p = box.querySelector('#stw-p');
    p.replaceChildren();
    if (open) panel(p, 'banner');
    box.querySelector('#stw-s').setAttribute('aria-expanded', open);
  }

  function decide(method, choices) {
    return send(method, choices).then(() => {
      if (box) { box.remove(); box = null; if (back && back.focus) back.focus(); }
    }, () => {});
  }

  // The second layer, inside the banner or on the preference centre page: one switch per category.
  function panel(where, method) {
    if (!where) return;
    const boxes = cfg.categories.map(c => {
      const locked = c.required || (gpc && c.gpc);
      return h('div', { className: 'stw-c' },
        h('input', { type: 'checkbox', id: 'stw-c-' + c.key, value: c.key, checked: on(c.key), disabled: locked, 'aria-describedby': 'stw-e-' + c.key }),
        h('label', { htmlFor: 'stw-c-' + c.key }, c.name),
        locked ? h('small', {}, c.required ? t('alwaysOn') : t('gpcOff')) : '',
        h('p', { id: 'stw-e-' + c.key }, c.description));
    });
    const status = h('p', { role: 'status' });
    const done = choices => method === 'banner' ? decide(method, choices) : send(method, choices).then(() => {
      for (const b of boxes) b.firstChild.checked = on(b.firstChild.value);
      status.textContent = t('saved');
    }, () => {});
    where.className = method === 'banner' ? '' : 'stw stw-in';
    where.replaceChildren(
      method === 'banner' || !gpc ? '' : h('p', { className: 'stw-g' }, t('gpcHonoured')),
      h('fieldset', {}, h('legend', {}, t('settingsTitle')), ...boxes),
      h('div', { className: 'stw-b' },
        button('save', () => done(Object.fromEntries(boxes.map(b => b.firstChild).filter(i => !cfg.categories.find(c => c.key === i.value).required).map(i => [i.value, i.checked ? 'granted' : 'denied'])))),
        button('acceptAll', () => done(all('granted'))),
        button('rejectAll', () => done(all('denied')))),
      status);
  }

  function button(text, onclick) { return h('button', { type: 'button', onclick }, t(text)); }

  function h(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) k.includes('-') || k === 'role' ? e.setAttribute(k, v) : (e[k] = v);
    e.append(...children);
    return e;
  }
})(/*config*/null, /*styles*/'');
