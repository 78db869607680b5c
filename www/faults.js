// The panel's fault toggles, applied through the fault proxy's control API (POST /__faults).
//
// Each toggle owns one standing PutRecords rule (or the proxy's clock offset); the proxy replaces its
// whole rule list on every change, so the page always sends all toggles' rules together. After a reload
// the toggles are read back from the proxy's configuration.

/** Toggle id → the proxy rule it stands for while on. */
export const TOGGLE_RULES = {
  'toggle-offline': { fault: 'reset' },
  'toggle-throttle': { fault: 'error', type: 'ProvisionedThroughputExceededException', rate: 0.5 },
  'toggle-partial': { fault: 'partial', fraction: 0.3, errorCode: 'mixed' },
};
/** How far ahead the proxy's clock runs while the clock toggle is on. */
export const CLOCK_SKEW_MS = 10 * 60 * 1000;

function ruleMatches(rule, wanted) {
  return rule.fault === wanted.fault && rule.times === null
    && (wanted.type === undefined || rule.type === wanted.type);
}

/**
 * Wires the toggle buttons to the proxy at `proxyUrl`; `note(text)` logs each change. Resolves once the
 * buttons show the proxy's current configuration.
 */
export async function startFaultToggles(proxyUrl, note) {
  const buttons = Object.fromEntries(
    [...Object.keys(TOGGLE_RULES), 'toggle-clock'].map((id) => [id, document.querySelector(`#${id}`)]),
  );
  const isOn = (id) => buttons[id].getAttribute('aria-pressed') === 'true';
  const show = (id, on) => buttons[id].setAttribute('aria-pressed', String(on));

  const current = await fetch(`${proxyUrl}/__faults`).then((r) => r.json());
  for (const [id, wanted] of Object.entries(TOGGLE_RULES)) {
    show(id, current.rules.some((rule) => ruleMatches(rule, wanted)));
  }
  show('toggle-clock', current.clockOffsetMs !== 0);

  async function apply() {
    const rules = Object.entries(TOGGLE_RULES).filter(([id]) => isOn(id)).map(([, rule]) => rule);
    const answer = await fetch(`${proxyUrl}/__faults`, {
      method: 'POST',
      body: JSON.stringify({ rules, clockOffsetMs: isOn('toggle-clock') ? CLOCK_SKEW_MS : 0 }),
    });
    if (!answer.ok) throw new Error(`the fault proxy refused the faults: ${(await answer.json()).message}`);
  }

  // Changes go out one at a time, so the proxy ends with the buttons' last state.
  let applying = Promise.resolve();
  for (const [id, button] of Object.entries(buttons)) {
    button.addEventListener('click', async () => {
      const on = !isOn(id);
      show(id, on);
      applying = applying.catch(() => {}).then(apply);
      try {
        await applying;
        note(`${button.textContent.trim()}: ${on ? 'on' : 'off'}`);
      } catch (err) {
        show(id, !on);
        note(`fault change failed: ${err.message}`);
      }
    });
  }
}
