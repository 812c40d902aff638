#include "libs/server/after_reply.h"

namespace callcenter::server {
namespace {
thread_local ReplyScope* current = nullptr;
}  // namespace

bool InReplyScope() { return current != nullptr; }

void AfterReply(const void* key, std::function<void()> fn) {
  if (current == nullptr) return;  // documented: callers check InReplyScope()
  current->Queue(key, std::move(fn));
}

void ReplyPartSerialized(const void* part, std::vector<std::string> pieces,
                         std::function<bool()> unchanged) {
  if (current == nullptr) return;  // documented: callers check InReplyScope()
  for (auto& entry : current->serialized_) {
    if (entry.part == part) {
      entry.pieces = std::move(pieces);
      entry.unchanged = std::move(unchanged);
      return;
    }
  }
  current->serialized_.push_back({part, std::move(pieces), std::move(unchanged)});
}

ReplyScope::ReplyScope() : outer_(current) { current = this; }

ReplyScope::~ReplyScope() { current = outer_; }

void ReplyScope::Queue(const void* key, std::function<void()> fn) {
  for (auto& [k, queued] : queued_) {
    if (k == key) {
      queued = std::move(fn);
      return;
    }
  }
  queued_.emplace_back(key, std::move(fn));
}

void ReplyScope::Run() {
  current = outer_;  // what runs now is after the reply: no more queueing here
  auto queued = std::move(queued_);
  queued_.clear();
  for (auto& entry : queued) entry.second();
}

}  // namespace callcenter::server
