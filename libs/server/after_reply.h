#ifndef CALLCENTER_LIBS_SERVER_AFTER_REPLY_H_
#define CALLCENTER_LIBS_SERVER_AFTER_REPLY_H_

#include <functional>
#include <string>
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

// Tells the handler that `part`, a message field of the current call's
// reply, already has its serialization in `pieces`, concatenated (e.g. the
// order a change sent to be saved, with the save's stamps appended as later
// fields): the reply is written with these bytes for it rather than
// serializing it again (and without copying them).
// `unchanged` is asked when the reply is written; false (the part changed
// since) or a part that is no longer a field of the reply means the reply
// is serialized as usual. A later call for the same part replaces an
// earlier one. Must be called in a reply scope.
void ReplyPartSerialized(const void* part, std::vector<std::string> pieces,
                         std::function<bool()> unchanged);

// The scope a handler opens around its method and its reply: Run() runs
// what was queued, in order; the destructor drops what Run() did not.
class ReplyScope {
 public:
  ReplyScope();
  ~ReplyScope();
  ReplyScope(const ReplyScope&) = delete;
  ReplyScope& operator=(const ReplyScope&) = delete;

  void Run();

  // A reply part's bytes (ReplyPartSerialized), while it is unchanged.
  struct SerializedPart {
    const void* part;
    std::vector<std::string> pieces;
    std::function<bool()> unchanged;
  };
  std::vector<SerializedPart>& serialized_parts() { return serialized_; }

 private:
  friend void AfterReply(const void* key, std::function<void()> fn);
  friend void ReplyPartSerialized(const void* part, std::vector<std::string> pieces,
                                  std::function<bool()> unchanged);
  void Queue(const void* key, std::function<void()> fn);

  std::vector<std::pair<const void*, std::function<void()>>> queued_;
  std::vector<SerializedPart> serialized_;
  ReplyScope* outer_;
};

}  // namespace callcenter::server

#endif  // CALLCENTER_LIBS_SERVER_AFTER_REPLY_H_
