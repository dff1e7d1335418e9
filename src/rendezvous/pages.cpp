// STUB in branch rv-server (see pages.hpp): registers nothing. Replaced by rv-pages' version.

#include "rendezvous/pages.hpp"

#include "web/http_server.hpp"

namespace goop::rendezvous {

void register_pages(web::HttpServer& server, PagesContext ctx) {
  (void)server;
  (void)ctx;
}

}  // namespace goop::rendezvous
