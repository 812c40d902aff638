#ifndef CALLCENTER_LIBS_SERVER_AFTER_REPLY_H_
#define CALLCENTER_LIBS_SERVER_AFTER_REPLY_H_

#include <functional>
#include <utility>
#include <vector>

namespace callcenter::server {

// Work a unary handler defers until its reply has been serialized, on the
// same thread, before the reply is sent (so the client's next call finds
// it done) and while the reply's message still exists: e.g. keeping what
// the reply carries by moving it out of the message, where before the
// serialization it would have to be copied. Only calls served by a ParsingUnaryHandler have such a scope;
// elsewhere (background work, tests calling a method directly)
// InReplyScope() is false and the caller does the work at once its own
// way.
bool InReplyScope();

// Queues `fn` to run after the current call's reply; a later `fn` with the
// same `key` replaces an earlier one (the last word on one thing wins).
// Must be called in a reply scope.
void AfterReply(const void* key, std::function<void()> fn);

// The scope a handler opens around its method and its reply: Run() runs
// what was queued, in order; the destructor drops what Run() did not.
class ReplyScope {
 public:
  ReplyScope();
  ~ReplyScope();
  ReplyScope(const ReplyScope&) = delete;
  ReplyScope& operator=(const ReplyScope&) = delete;

  void Run();

 private:
  friend void AfterReply(const void* key, std::function<void()> fn);
  void Queue(const void* key, std::function<void()> fn);

  std::vector<std::pair<const void*, std::function<void()>>> queued_;
  ReplyScope* outer_;
};

}  // namespace callcenter::server

#endif  // CALLCENTER_LIBS_SERVER_AFTER_REPLY_H_
