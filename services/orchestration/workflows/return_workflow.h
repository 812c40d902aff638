#ifndef CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_RETURN_WORKFLOW_H_
#define CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_RETURN_WORKFLOW_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "callcenter/orchestration/v1/orchestration.pb.h"
#include "services/orchestration/clients/clients.h"
#include "services/orchestration/store.h"
#include "services/orchestration/workflows/change_runner.h"
#include "services/orchestration/workflows/context.h"
#include "services/orchestration/workflows/front_door_metrics.h"
#include "services/orchestration/workflows/installment_runner.h"

namespace callcenter::orchestration {

// Returns, refunds and price matches (DOMAIN 10). A return is kept with
// its order (the order service writes both in one save), so the order's
// returned units and its returns never disagree, and each change goes
// through the ChangeRunner (version checked, replays answered).
//
// A refund is a saga like submit: logged, then the return saved with its
// refunds planned (the order's payments show them), then each refund made
// at the payment service under a key of the return and the payment (a
// retry, a second front door or recovery gets the first answer, never a
// second refund), then saved done.
class ReturnWorkflow {
 public:
  // `installments` (may be null): lowers the installments still due once a
  // credit was taken off them, so the plan shows what it will take.
  ReturnWorkflow(ChangeRunner* changes, Clients* clients, SagaLog* sagas, Clock clock,
                 const FrontDoorMetrics* metrics, std::string crash_after_step,
                 InstallmentRunner* installments = nullptr)
      : changes_(changes),
        clients_(clients),
        installments_(installments),
        sagas_(sagas),
        clock_(std::move(clock)),
        metrics_(metrics),
        crash_after_step_(std::move(crash_after_step)) {}

  absl::Status Start(const Caller& caller, const v1::StartReturnRequest& req, v1::ReturnOrder* out);
  absl::Status Get(const Caller& caller, const std::string& return_id, v1::ReturnOrder* out);
  absl::Status Cancel(const Caller& caller, const v1::CancelReturnRequest& req,
                      v1::ReturnOrder* out);
  absl::Status AdjustCredit(const Caller& caller, const v1::AdjustReturnCreditRequest& req,
                            v1::ReturnOrder* out);
  absl::Status ApproveRefund(const Caller& caller, const v1::ApproveRefundRequest& req,
                             v1::ReturnOrder* out);
  // By a fulfilment user (may_record_fulfillment).
  absl::Status RecordReceipt(const Caller& caller, const v1::RecordReturnReceiptRequest& req,
                             v1::ReturnOrder* out);
  absl::Status PriceMatch(const Caller& caller, const v1::PriceMatchRequest& req, Order* out);

  // Exchanges (DOMAIN 10). The return an exchange order of `customer_id`
  // may be started for: the caller's call center's, that customer's, with
  // a REPLACE line, not finished and not exchanged by another order.
  absl::StatusOr<v1::ReturnOrder> ExchangeableReturn(const Caller& caller,
                                                     const std::string& return_id,
                                                     const std::string& customer_id);
  // Records `exchange_order_id` as the return's exchange (idempotent).
  absl::Status LinkExchange(const Caller& caller, const std::string& return_id,
                            const std::string& exchange_order_id);
  // At the exchange's submit: the return it is for, which must name it as
  // its exchange (FAILED_PRECONDITION otherwise).
  absl::StatusOr<v1::ReturnOrder> ReturnOfExchange(const Caller& caller, const Order& exchange);
  // After the exchange's submit: the return records what its credit paid
  // and, when the goods are back already, refunds the rest (idempotent).
  absl::Status ExchangeSubmitted(const Caller& caller, const google::protobuf::Message& request,
                                 const Order& exchange);

  // What the order and its returns are after the refunds they planned
  // were made.
  struct Refunded {
    Order order;
    std::vector<v1::ReturnOrder> returns;
  };
  // Makes every refund the order's returns planned and the payment service
  // has not confirmed, each once, as the system (recovery comes here too).
  absl::StatusOr<Refunded> FinishRefunds(const std::string& order_id);

 private:
  // A change of one return: `change` edits it (and the order); with
  // `saga_id` set it planned refunds.
  using ReturnChange =
      std::function<absl::Status(Context&, Order&, v1::ReturnOrder&, Edit&, std::string* saga_id)>;
  absl::Status RunOnReturn(const ChangeSpec& spec, const Caller& caller,
                           const google::protobuf::Message& request, const std::string& return_id,
                           const ReturnChange& change, v1::ReturnOrder* out);
  // Once the return's credit is due (RECEIVED): waits for approval when
  // the amount needs it (unless `approved`), else plans its refunds, the
  // saga logged before the save.
  absl::Status Settle(Context& c, Order& order, v1::ReturnOrder& ret, Edit& edit, bool approved,
                      std::string* saga_id);
  // After the save: the planned refunds made (saga finished), and the
  // return as it then stands in `out` (read again when the request was a
  // replay and nothing was changed here).
  absl::Status Conclude(const Caller& caller, const std::string& saga_id,
                        const std::string& order_id, const std::string& return_id,
                        const v1::ReturnOrder* changed, v1::ReturnOrder* out);
  // After a save that took credit off the order's installments: the plans
  // lowered to match, and the order as it then stands; nullopt when that
  // failed (logged; best effort: the runs cap each capture anyway).
  std::optional<Order> LimitPlans(const std::string& order_id);
  // Once the return's goods are back: its exchange's PENDING_RETURN hold
  // cleared by the system (the exchange CONFIRMED when it was the last).
  absl::Status ReleasePendingReturn(const std::string& exchange_order_id);
  // An event on the return's own log (the order's log gets its twin).
  void Log(v1::ReturnOrder& ret, Edit& edit, const std::string& user,
           common::v1::OrderEventKind kind, const std::string& detail);

  ChangeRunner* changes_;
  Clients* clients_;
  InstallmentRunner* installments_;
  SagaLog* sagas_;  // nullptr: no saga log (unit tests)
  Clock clock_;
  const FrontDoorMetrics* metrics_;
  std::string crash_after_step_;  // tests: stop as a killed process would
};

}  // namespace callcenter::orchestration

#endif  // CALLCENTER_SERVICES_ORCHESTRATION_WORKFLOWS_RETURN_WORKFLOW_H_
