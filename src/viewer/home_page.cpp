#include "viewer/home_page.hpp"

#include <fmt/core.h>

#include "viewer/management_guard.hpp"
#include "web/http_server.hpp"

namespace goop::viewer {
namespace {

constexpr const char* kPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="goop-token" content="{token}">
<title>Goop² · {label}</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 46rem; padding: 0 1rem;
       background: #15171c; color: #e8e8ec; }}
h1 {{ font-weight: 600; margin-bottom: .2rem; }} code {{ color: #9aa4b8; font-size: 13px; }}
ul {{ list-style: none; padding: 0; }} li {{ padding: .5rem .75rem; border-radius: 8px; background: #1f222a;
     margin: .4rem 0; display: flex; justify-content: space-between; gap: 1rem; }}
li.offline {{ opacity: .45; }} .state {{ color: #9aa4b8; font-size: 13px; }}
</style></head>
<body>
<h1>{label}</h1>
<code>{id}</code>
<h2>Peers</h2>
<ul id="peers"><li class="state">Looking for peers…</li></ul>
<script>
const peers = new Map();
function render() {{
  const ul = document.getElementById('peers');
  ul.replaceChildren();
  if (peers.size === 0) {{ const li = document.createElement('li'); li.className = 'state';
    li.textContent = 'No peers yet.'; ul.append(li); return; }}
  for (const p of [...peers.values()].sort((a, b) => a.peerID.localeCompare(b.peerID))) {{
    const li = document.createElement('li');
    if (p.offline) li.className = 'offline';
    const name = document.createElement('span'); name.textContent = p.content || p.peerID;
    const st = document.createElement('span'); st.className = 'state';
    st.textContent = p.offline ? 'offline' : (p.reachable ? 'online' : 'online, not reachable yet');
    li.append(name, st); ul.append(li);
  }}
}}
const es = new EventSource('/api/mq/events');
es.addEventListener('message', (ev) => {{
  const m = JSON.parse(ev.data);
  if (m.type !== 'message') return;
  if (m.msg.topic === 'peer:announce') peers.set(m.msg.payload.peerID, m.msg.payload);
  if (m.msg.topic === 'peer:gone') peers.delete(m.msg.payload.peerID);
  render();
}});
</script>
</body></html>
)";

}  // namespace

void register_home_page(web::HttpServer& server, std::string token, std::function<SelfRow()> self) {
  server.route("GET", "/", web::SyncHandler([token = std::move(token), self = std::move(self)](const web::Request&) {
    const SelfRow s = self();
    web::Response r;
    r.status = 200;
    r.body = fmt::format(kPage, fmt::arg("token", token), fmt::arg("label", web::html_escape(s.label)),
                         fmt::arg("id", web::html_escape(s.id)));
    r.set_header("Content-Type", "text/html; charset=utf-8");
    r.set_header("Cache-Control", "no-store");
    r.set_header("Set-Cookie", token_cookie(token));
    r.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline' 'self'; "
                 "frame-ancestors 'none'");
    r.set_header("X-Content-Type-Options", "nosniff");
    return r;
  }));
}

}  // namespace goop::viewer
