// Live updates can race the first page load: a message already rendered with the page may
// arrive again as a "created" event over SSE and be inserted a second time. Bubbles carry the
// message id as their element id, so a newly inserted bubble whose id is already on the page is
// dropped; the copy on the page stays and later "updated" events keep replacing it in place.
(() => {
  const watch = () => {
    const log = document.getElementById('messages');
    if (!log) return;
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1 || !n.id || !n.id.startsWith('msg-')) continue;
          const same = document.querySelectorAll(`[id="${CSS.escape(n.id)}"]`);
          if (same.length > 1) n.remove();
        }
      }
    }).observe(log, { childList: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch);
  else watch();
})();
