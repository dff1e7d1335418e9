#pragma once
// PeerDb: the rendezvous peer DB (spec/rendezvous.md §7, with §17.14 fixed): an SQLite file in
// WAL mode holding one row per present peer, INCLUDING addrs (JSON text), active_template,
// public_key, encryption_supported and goop_client_version, so a restarted rendezvous knows its
// peers fully before they heartbeat again. A Go-created file is upgraded in place (missing
// columns are added).
//
// Writes are behind: the server hands over batches (write()) at most every second; a worker
// thread owned by the PeerDb writes each batch in one transaction. SQLite never runs on the
// network executor (STYLE.md §7), apart from open() and load() at start.
//
// Threading: open()/load()/close() on the owning thread (start-up and shutdown); write() and
// flush() are thread-safe and write() never waits for SQLite. Write errors are logged (warn)
// and the batch is dropped: the in-memory table stays the truth.
//
// Invariants:
//  1. Batches are written in the order they were handed over; within a batch, the last entry
//     for a peer wins.
//  2. After close() returns, every batch handed over before it is written (or its error
//     logged) and the worker has ended.

#include "base/result.hpp"
#include "rendezvous/hub.hpp"

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace goop::storage {
class Db;
}

namespace goop::rendezvous {

class PeerDb {
 public:
  // Opens (creating if needed) the file at `path`, creates or upgrades table `peers`, and starts
  // the worker. Errors name the file and SQLite's reason (the caller then runs in memory only).
  static Expected<std::unique_ptr<PeerDb>> open(const std::filesystem::path& path);
  ~PeerDb();  // close()
  PeerDb(const PeerDb&) = delete;
  PeerDb& operator=(const PeerDb&) = delete;

  // Deletes rows whose last_seen (Unix ms) is before `min_last_seen_ms`, then returns the rest.
  // Blocking; call at start before any write(). Errors name the file.
  Expected<std::vector<PeerRow>> load(std::int64_t min_last_seen_ms);

  // Queues one batch for the worker. Never blocks on SQLite. Empty batches are ignored.
  void write(std::vector<Hub::DirtyRow> batch);
  // Waits until every batch queued so far is written. For tests and shutdown.
  void flush();
  // Flushes, stops the worker and closes the file. Idempotent.
  void close();

 private:
  explicit PeerDb(std::unique_ptr<storage::Db> db);
  void run();
  void write_batch(const std::vector<Hub::DirtyRow>& batch);

  std::unique_ptr<storage::Db> db_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<Hub::DirtyRow>> queue_;  // guarded by mu_
  std::uint64_t queued_ = 0;                       // batches handed over; guarded by mu_
  std::uint64_t written_ = 0;                      // batches done; guarded by mu_
  bool stop_ = false;                              // guarded by mu_
  std::thread worker_;
};

}  // namespace goop::rendezvous
