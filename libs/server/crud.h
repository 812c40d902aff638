#ifndef CALLCENTER_LIBS_SERVER_CRUD_H_
#define CALLCENTER_LIBS_SERVER_CRUD_H_

#include <functional>
#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "libs/db/entity_table.h"
#include "libs/db/pool.h"
#include "libs/server/serve.h"
#include "libs/status/status.h"
#include "libs/validation/validation.h"

namespace callcenter::server {

// Upsert/Get/List of one kind of master data kept in an EntityTable: the
// handlers of every service's `Upsert*`, `Get*` and `List*` RPCs.
template <typename Entity>
class Crud {
 public:
  using Validator = std::function<absl::Status(const Entity&)>;
  using IdOf = std::function<std::string(const Entity&)>;

  Crud(const db::EntityTable* table, db::Pool* pool, metrics::Metrics* metrics, IdOf id_of,
       Validator validate, std::function<void()> on_change = nullptr)
      : table_(table),
        pool_(pool),
        metrics_(metrics),
        id_of_(std::move(id_of)),
        validate_(std::move(validate)),
        on_change_(std::move(on_change)) {}

  // Validates (API.md's limits on every field, named under `field`, then
  // the entity's own rules; INVALID_ARGUMENT naming the field, nothing
  // stored), then creates or replaces by id; echoes the stored entity.
  grpc::Status Upsert(const char* method, const char* field, const Entity& entity,
                      Entity* out) const {
    return Serve(metrics_, method, "", [&]() -> absl::Status {
      RETURN_IF_ERROR(validation::CheckMessage(entity, validation::Limits::ForMasterData(), field));
      RETURN_IF_ERROR(validate_(entity));
      RETURN_IF_ERROR(pool_->Transact(
          [&](pqxx::work& txn) { return table_->Upsert(txn, id_of_(entity), entity); }));
      if (on_change_) on_change_();
      *out = entity;
      return absl::OkStatus();
    });
  }

  grpc::Status Get(const char* method, const char* id_field, const std::string& id,
                   Entity* out) const {
    return Serve(metrics_, method, "", [&]() -> absl::Status {
      if (id.empty()) return InvalidField(id_field, "required");
      return pool_->Read([&](pqxx::work& txn) { return table_->Get(txn, id, out); });
    });
  }

  grpc::Status List(const char* method, int page_size, const std::string& page_token,
                    google::protobuf::RepeatedPtrField<Entity>* items,
                    std::string* next_page_token) const {
    return Serve(metrics_, method, "", [&]() -> absl::Status {
      return pool_->Read([&](pqxx::work& txn) {
        return table_->List(
            txn, db::ClampPageSize(page_size, 50, 500), page_token, [&] { return items->Add(); },
            next_page_token);
      });
    });
  }

 private:
  const db::EntityTable* table_;
  db::Pool* pool_;
  metrics::Metrics* metrics_;
  IdOf id_of_;
  Validator validate_;
  std::function<void()> on_change_;
};

}  // namespace callcenter::server

// Declares Upsert<Entity>, Get<Entity> and List<Plural> overrides in a
// generated service class (namespace alias `v1` in scope).
#define CC_CRUD_RPCS(Entity, Plural)                                                    \
  grpc::Status Upsert##Entity(grpc::ServerContext*, const v1::Upsert##Entity##Request*, \
                              v1::Upsert##Entity##Response*) override;                  \
  grpc::Status Get##Entity(grpc::ServerContext*, const v1::Get##Entity##Request*,       \
                           v1::Get##Entity##Response*) override;                        \
  grpc::Status List##Plural(grpc::ServerContext*, const v1::List##Plural##Request*,     \
                            v1::List##Plural##Response*) override;

// Defines them for `Class`, forwarding to its Crud member `member`.
#define CC_CRUD_IMPL(Class, Entity, Plural, field, plural_field, id_field, member)                 \
  grpc::Status Class::Upsert##Entity(grpc::ServerContext*, const v1::Upsert##Entity##Request* req, \
                                     v1::Upsert##Entity##Response* resp) {                         \
    return member.Upsert("Upsert" #Entity, #field, req->field(), resp->mutable_##field());         \
  }                                                                                                \
  grpc::Status Class::Get##Entity(grpc::ServerContext*, const v1::Get##Entity##Request* req,       \
                                  v1::Get##Entity##Response* resp) {                               \
    return member.Get("Get" #Entity, #id_field, req->id_field(), resp->mutable_##field());         \
  }                                                                                                \
  grpc::Status Class::List##Plural(grpc::ServerContext*, const v1::List##Plural##Request* req,     \
                                   v1::List##Plural##Response* resp) {                             \
    return member.List("List" #Plural, req->page_size(), req->page_token(),                        \
                       resp->mutable_##plural_field(), resp->mutable_next_page_token());           \
  }

#endif  // CALLCENTER_LIBS_SERVER_CRUD_H_
