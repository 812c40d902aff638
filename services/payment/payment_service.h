#ifndef CALLCENTER_SERVICES_PAYMENT_PAYMENT_SERVICE_H_
#define CALLCENTER_SERVICES_PAYMENT_PAYMENT_SERVICE_H_

#include "callcenter/payment/v1/payment.grpc.pb.h"
#include "libs/db/pool.h"
#include "libs/metrics/metrics.h"
#include "libs/server/crud.h"
#include "services/payment/domain/payment_rules.h"
#include "services/payment/store.h"

namespace callcenter::payment {

class PaymentServiceImpl final : public v1::PaymentService::Service {
 public:
  PaymentServiceImpl(db::Pool* pool, metrics::Metrics* metrics, PaymentConnector* connector);

  grpc::Status UpsertGiftCard(grpc::ServerContext*, const v1::UpsertGiftCardRequest*,
                              v1::UpsertGiftCardResponse*) override;
  grpc::Status GetGiftCard(grpc::ServerContext*, const v1::GetGiftCardRequest*,
                           v1::GetGiftCardResponse*) override;
  grpc::Status AuthorizePayment(grpc::ServerContext*, const v1::AuthorizePaymentRequest*,
                                v1::AuthorizePaymentResponse*) override;
  grpc::Status ListPayments(grpc::ServerContext*, const v1::ListPaymentsRequest*,
                            v1::ListPaymentsResponse*) override;
  grpc::Status VoidPayment(grpc::ServerContext*, const v1::VoidPaymentRequest*,
                           v1::VoidPaymentResponse*) override;
  grpc::Status CapturePayment(grpc::ServerContext*, const v1::CapturePaymentRequest*,
                              v1::CapturePaymentResponse*) override;
  grpc::Status VoidAllForOrder(grpc::ServerContext*, const v1::VoidAllForOrderRequest*,
                               v1::VoidAllForOrderResponse*) override;
  grpc::Status ListLivePayments(grpc::ServerContext*, const v1::ListLivePaymentsRequest*,
                                v1::ListLivePaymentsResponse*) override;
  grpc::Status RefundPayment(grpc::ServerContext*, const v1::RefundPaymentRequest*,
                             v1::RefundPaymentResponse*) override;
  grpc::Status UpsertPaymentSchedule(grpc::ServerContext*, const v1::UpsertPaymentScheduleRequest*,
                                     v1::UpsertPaymentScheduleResponse*) override;
  grpc::Status GetPaymentSchedule(grpc::ServerContext*, const v1::GetPaymentScheduleRequest*,
                                  v1::GetPaymentScheduleResponse*) override;
  grpc::Status ListDueInstallments(grpc::ServerContext*, const v1::ListDueInstallmentsRequest*,
                                   v1::ListDueInstallmentsResponse*) override;
  grpc::Status LimitInstallments(grpc::ServerContext*, const v1::LimitInstallmentsRequest*,
                                 v1::LimitInstallmentsResponse*) override;

 private:
  absl::Status Authorize(const v1::AuthorizePaymentRequest& req, v1::Payment* out);
  absl::Status Void(PaymentStore::Txn& txn, const std::string& payment_id, v1::Payment* out);
  absl::Status Capture(PaymentStore::Txn& txn, const v1::CapturePaymentRequest& req,
                       v1::CapturePaymentResponse* out);
  // Installment billing: one installment captured (a later one authorised
  // first), or declined; a payment with installments voided gives back
  // what its installments took.
  absl::Status CaptureInstallment(PaymentStore::Txn& txn, const v1::CapturePaymentRequest& req,
                                  v1::CapturePaymentResponse* out);
  absl::Status VoidInstallments(PaymentStore::Txn& txn, v1::Payment* payment);
  absl::Status Refund(PaymentStore::Txn& txn, const v1::RefundPaymentRequest& req,
                      v1::RefundPaymentResponse* out);

  PaymentStore store_;
  metrics::Metrics* metrics_;
  PaymentConnector* connector_;
  server::Crud<v1::GiftCard> gift_cards_;
  server::Crud<v1::PaymentSchedule> schedules_;
};

}  // namespace callcenter::payment

#endif  // CALLCENTER_SERVICES_PAYMENT_PAYMENT_SERVICE_H_
