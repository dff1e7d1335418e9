#pragma once
// GET /: the viewer's start page. For now a small self-contained page (who we are, who is
// around, live from /api/mq/events) that also hands the page its management token: the
// HttpOnly cookie and <meta name="goop-token"> (see management_guard.hpp). The full viewer UI
// replaces its body; the token hand-over stays.

#include <functional>
#include <string>

#include "viewer/peers_api.hpp"

namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

void register_home_page(web::HttpServer& server, std::string token, std::function<SelfRow()> self);

}  // namespace goop::viewer
