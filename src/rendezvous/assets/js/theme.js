// Theme for the rendezvous pages: "dark" or "light", kept in localStorage.theme (default: the
// system preference). Runs in <head> before the page paints, then wires the toggle button.
(() => {
  const root = document.documentElement;
  let saved = null;
  try { saved = localStorage.getItem('theme'); } catch { /* storage disabled */ }
  const preferLight = window.matchMedia && window.matchMedia('(prefers-color-scheme: light)').matches;
  root.dataset.theme = saved === 'light' || saved === 'dark' ? saved : (preferLight ? 'light' : 'dark');

  document.addEventListener('DOMContentLoaded', () => {
    const button = document.getElementById('theme-toggle');
    if (!button) return;
    button.addEventListener('click', () => {
      const next = root.dataset.theme === 'light' ? 'dark' : 'light';
      root.dataset.theme = next;
      try { localStorage.setItem('theme', next); } catch { /* storage disabled */ }
    });
  });
})();
