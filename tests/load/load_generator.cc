// Load generator: N concurrent agents, each placing complete orders through
// the front door (start, 3 lines, delivery, coupon, card payment, submit),
// bounded in time and count, loopback only. Prints completed orders/s, p50
// and p99 of the whole flow and of each RPC, and checks that every order it
// saw confirmed is in PostgreSQL (read back through the front door).
//
//   bazel run -c opt //tests/load:load_generator -- --agents=16 --seconds=30
//
// Flags (--help): --agents=N (16) --seconds=S (30) --max_orders=N (100000)
//        --port_base=P (50051; the suite's ports) --allow_failures (a crash
//        test: failed orders expected, only lost ones fail the run);
//        --ship (a warehouse ships each confirmed order in two shipments,
//        each invoice captured); --return (with --ship: the agent then
//        returns one unit of the first line, credit only, refunded to the
//        card at once); --verify_captures=CUSTOMER (no load: checks
//        that every shipped order of that customer, e.g. a crash run's, has
//        each invoice captured exactly, no payment captured beyond its
//        authorisation or beyond its invoices' captures, and each payment
//        refunded at the payment service exactly what its order shows,
//        every refund made);
//        CALLCENTER_JWT_SECRET signs.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "callcenter/orchestration/v1/orchestration.grpc.pb.h"
#include "callcenter/order/v1/order.grpc.pb.h"
#include "callcenter/payment/v1/payment.grpc.pb.h"
#include "callcenter/pricing/v1/pricing.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "libs/auth/jwt.h"
#include "libs/ids/uuid.h"

ABSL_FLAG(int, agents, 16, "concurrent agents, each placing one order after another");
ABSL_FLAG(int, seconds, 30, "how long to run");
ABSL_FLAG(int, max_orders, 100000, "stop after this many orders in all");
ABSL_FLAG(int, port_base, 50051, "the suite's first port (the front door; order is +1)");
ABSL_FLAG(int, front_doors, 1,
          "front-door replicas to spread the agents over (replica r at port_base + 100 x r, "
          "as deploy/local/suite runs CALLCENTER_REPLICAS)");
ABSL_FLAG(bool, allow_failures, false,
          "failed orders are expected (a crash test): only lost orders fail the run");
ABSL_FLAG(bool, ship, false, "ship each confirmed order in two shipments (a warehouse's calls)");
ABSL_FLAG(bool, return_one, false,
          "with --ship: return one unit of each shipped order, credit only (a refund each)");
ABSL_FLAG(std::string, verify_captures, "",
          "no load: check the captures of this customer's shipped orders and exit");

namespace cc = callcenter;
namespace fd = callcenter::orchestration::v1;

namespace {

cc::common::v1::Money Usd(int64_t m) {
  cc::common::v1::Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

void Must(const grpc::Status& s, const char* what) {
  if (!s.ok()) {
    std::cerr << what << ": " << s.error_message() << std::endl;
    std::exit(1);
  }
}

// Latencies in microseconds per name.
class Recorder {
 public:
  void Add(const std::string& name, int64_t micros) {
    std::lock_guard<std::mutex> lock(mu_);
    samples_[name].push_back(micros);
  }
  void Print() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, v] : samples_) {
      std::sort(v.begin(), v.end());
      auto pct = [&](double p) { return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]; };
      std::cout << absl::StrFormat("  %-20s n=%-7d p50=%7.2f ms  p99=%7.2f ms\n", name, v.size(),
                                   pct(0.50) / 1000.0, pct(0.99) / 1000.0);
    }
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<int64_t>> samples_;
};

bool Submitted(cc::common::v1::OrderStatus s) {
  return s == cc::common::v1::ORDER_STATUS_CONFIRMED ||
         s == cc::common::v1::ORDER_STATUS_PARTIALLY_SHIPPED ||
         s == cc::common::v1::ORDER_STATUS_SHIPPED;
}

// Calls `fn` with each of `customer`'s orders, read back through the front
// door (waiting for it, should it be restarting).
void ForEachOrder(fd::OrderEntryService::Stub& front, const std::string& token,
                  const std::string& customer,
                  const std::function<void(const cc::common::v1::Order&)>& fn) {
  std::string page;
  do {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    fd::ListCustomerOrdersRequest req;
    req.set_customer_id(customer);
    req.set_page_size(200);
    req.set_page_token(page);
    fd::ListCustomerOrdersResponse resp;
    Must(front.ListCustomerOrders(&ctx, req, &resp), "ListCustomerOrders");
    for (const auto& o : resp.orders()) fn(o);
    page = resp.next_page_token();
  } while (!page.empty());
}

// Every shipped order of `customer`: each invoice captured exactly, its
// captures recorded, and at the payment service each payment captured
// exactly what the order's invoices took from it, never beyond its
// authorisation. Returns the process's exit code.
int VerifyCaptures(const std::string& customer, int base, const std::string& token) {
  auto channel = [&](int offset) {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", base + offset),
                               grpc::InsecureChannelCredentials());
  };
  auto front = fd::OrderEntryService::NewStub(channel(0));
  auto payments = cc::payment::v1::PaymentService::NewStub(channel(4));
  int checked = 0, shipments = 0, wrong = 0, returns = 0;
  auto bad = [&](const std::string& order_id, const std::string& what) {
    ++wrong;
    std::cerr << "order " << order_id << ": " << what << std::endl;
  };
  ForEachOrder(*front, token, customer, [&](const cc::common::v1::Order& o) {
    if (o.shipments().empty()) return;
    ++checked;
    std::map<std::string, int64_t> taken;  // payment id -> captured for invoices
    int64_t invoiced = 0;
    for (const auto& s : o.shipments()) {
      ++shipments;
      invoiced += s.invoice_amount().minor_units();
      int64_t sum = 0;
      for (const auto& c : s.captures()) {
        sum += c.amount().minor_units();
        taken[c.payment_id()] += c.amount().minor_units();
      }
      if (s.capture_pending()) bad(o.order_id(), "shipment " + s.shipment_id() + " pending");
      if (sum != s.captured().minor_units() || sum != s.invoice_amount().minor_units()) {
        bad(o.order_id(), absl::StrCat("shipment ", s.shipment_id(), " invoiced ",
                                       s.invoice_amount().minor_units(), ", captured ",
                                       s.captured().minor_units(), ", captures sum ", sum));
      }
    }
    if (invoiced > o.total().minor_units() || (o.status() == cc::common::v1::ORDER_STATUS_SHIPPED &&
                                               invoiced != o.total().minor_units())) {
      bad(o.order_id(),
          absl::StrCat("invoices ", invoiced, " of a total of ", o.total().minor_units()));
    }
    grpc::ClientContext pctx;
    cc::payment::v1::ListPaymentsRequest preq;
    preq.set_order_id(o.order_id());
    cc::payment::v1::ListPaymentsResponse presp;
    Must(payments->ListPayments(&pctx, preq, &presp), "ListPayments");
    std::map<std::string, int64_t> shown_refunded;  // payment id -> what the order shows
    for (const auto& p : o.payments()) shown_refunded[p.payment_id()] = p.refunded().minor_units();
    for (const std::string& return_id : o.return_ids()) {
      ++returns;
      grpc::ClientContext rctx;
      rctx.AddMetadata("authorization", "Bearer " + token);
      fd::GetReturnRequest rreq;
      rreq.set_return_id(return_id);
      fd::GetReturnResponse rresp;
      Must(front->GetReturn(&rctx, rreq, &rresp), "GetReturn");
      for (const auto& r : rresp.return_order().refunds()) {
        if (!r.done()) bad(o.order_id(), "return " + return_id + ": a refund not made");
      }
    }
    for (const auto& p : presp.payments()) {
      // Refunded at the gateway exactly what the order shows: never twice,
      // none lost, never beyond the capture.
      if (p.refunded().minor_units() != shown_refunded[p.payment_id()] ||
          p.refunded().minor_units() > p.captured().minor_units()) {
        bad(o.order_id(),
            absl::StrCat("payment ", p.payment_id(), " refunded ", p.refunded().minor_units(),
                         ", its order shows ", shown_refunded[p.payment_id()]));
      }
      const int64_t captured = p.captured().minor_units();
      if (captured > p.amount().minor_units()) {
        bad(o.order_id(), absl::StrCat("payment ", p.payment_id(), " captured ", captured, " of ",
                                       p.amount().minor_units(), " authorised"));
      }
      // A check or gift card is taken whole at submit; its invoices use it
      // first-come, at most all of it.
      const bool prepaid = p.method() == cc::common::v1::PAYMENT_METHOD_CHECK ||
                           p.method() == cc::common::v1::PAYMENT_METHOD_GIFT_CARD;
      if (prepaid ? taken[p.payment_id()] > captured : captured != taken[p.payment_id()]) {
        bad(o.order_id(), absl::StrCat("payment ", p.payment_id(), " captured ", captured,
                                       " at the gateway, its invoices ", taken[p.payment_id()]));
      }
    }
  });
  std::cout << absl::StrFormat(
      "captures: %d shipped orders, %d shipments, %d returns checked, %d wrong\n", checked,
      shipments, returns, wrong);
  return wrong == 0 && checked > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "places complete orders through the front door; CALLCENTER_JWT_SECRET signs the tokens");
  absl::ParseCommandLine(argc, argv);
  const int agents = absl::GetFlag(FLAGS_agents);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  const int max_orders = absl::GetFlag(FLAGS_max_orders);
  const int base = absl::GetFlag(FLAGS_port_base);
  if (agents < 1 || seconds < 1 || max_orders < 1) {
    std::cerr << "--agents, --seconds and --max_orders must be at least 1" << std::endl;
    return 2;
  }
  const char* secret = std::getenv("CALLCENTER_JWT_SECRET");
  if (secret == nullptr || *secret == '\0') {
    std::cerr << "set CALLCENTER_JWT_SECRET (the suite's; see .state/jwt_secret)" << std::endl;
    return 2;
  }
  if (!absl::GetFlag(FLAGS_verify_captures).empty()) {
    return VerifyCaptures(absl::GetFlag(FLAGS_verify_captures), base,
                          cc::auth::SignHs256("load-agent", absl::Now() + absl::Hours(1), secret));
  }
  const bool ship = absl::GetFlag(FLAGS_ship);
  const bool return_one = ship && absl::GetFlag(FLAGS_return_one);
  auto channel = [&](int offset) {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", base + offset),
                               grpc::InsecureChannelCredentials());
  };
  const std::string run = cc::NewUuid().substr(0, 8);
  const std::string customer = "LOAD-" + run;
  // Master data for the run.
  {
    auto call_centers = cc::order::v1::CallCenterService::NewStub(channel(1));
    auto customers = cc::order::v1::CustomerService::NewStub(channel(1));
    auto pricing = cc::pricing::v1::PricingService::NewStub(channel(2));
    grpc::ClientContext c1, c2, c3;
    cc::order::v1::UpsertCallCenterRequest ccr;
    auto* cc_ = ccr.mutable_call_center();
    cc_->set_call_center_id("cc-load");
    cc_->set_currency("USD");
    cc_->add_payment_methods(cc::common::v1::PAYMENT_METHOD_CARD);
    cc_->add_delivery_modes("STANDARD");
    cc_->set_order_completion_enabled(true);
    cc_->set_directed_selling_enabled(true);
    cc_->set_min_fraud_score(1000);
    cc_->add_return_reasons()->set_reason_code("LOAD-RETURN");
    cc::order::v1::UpsertCallCenterResponse ccresp;
    Must(call_centers->UpsertCallCenter(&c1, ccr, &ccresp), "UpsertCallCenter");
    cc::order::v1::UpsertUserRequest ur;
    ur.mutable_user()->set_user_id("load-agent");
    ur.mutable_user()->set_call_center_id("cc-load");
    cc::order::v1::UpsertUserResponse uresp;
    Must(call_centers->UpsertUser(&c2, ur, &uresp), "UpsertUser");
    grpc::ClientContext c4;
    cc::order::v1::UpsertUserRequest wr;
    wr.mutable_user()->set_user_id("load-warehouse");
    wr.mutable_user()->set_call_center_id("cc-load");
    wr.mutable_user()->set_may_record_fulfillment(true);
    Must(call_centers->UpsertUser(&c4, wr, &uresp), "UpsertUser");
    cc::order::v1::UpsertCustomerRequest cr;
    cr.mutable_customer()->set_customer_id(customer);
    cr.mutable_customer()->set_name("Load Test");
    cr.mutable_customer()->mutable_delivery_address()->set_postal_code("10001");
    cr.mutable_customer()->mutable_delivery_address()->set_country("US");
    cc::order::v1::UpsertCustomerResponse cresp;
    Must(customers->UpsertCustomer(&c3, cr, &cresp), "UpsertCustomer");
    for (int i = 0; i < 3; ++i) {
      grpc::ClientContext ctx;
      cc::pricing::v1::UpsertProductRequest pr;
      pr.mutable_product()->set_product_id(absl::StrCat("LOAD-P", i));
      pr.mutable_product()->set_name(absl::StrCat("Load product ", i));
      *pr.mutable_product()->mutable_base_price() = Usd(1000 + 250 * i);
      cc::pricing::v1::UpsertProductResponse presp;
      Must(pricing->UpsertProduct(&ctx, pr, &presp), "UpsertProduct");
    }
    grpc::ClientContext d1, d2;
    cc::pricing::v1::UpsertDiscountRequest dr;
    auto* d = dr.mutable_discount();
    d->set_discount_id("LOAD-D");
    d->set_kind(cc::pricing::v1::DISCOUNT_KIND_SIMPLE);
    d->set_concurrency(cc::pricing::v1::CONCURRENCY_BEST_PRICE);
    d->set_percent_bp(500);
    d->set_requires_coupon(true);
    cc::pricing::v1::UpsertDiscountResponse dresp;
    Must(pricing->UpsertDiscount(&d1, dr, &dresp), "UpsertDiscount");
    cc::pricing::v1::UpsertCouponRequest cpr;
    cpr.mutable_coupon()->set_coupon_code("LOAD5");
    cpr.mutable_coupon()->set_discount_id("LOAD-D");
    cpr.mutable_coupon()->set_active(true);
    cc::pricing::v1::UpsertCouponResponse cpresp;
    Must(pricing->UpsertCoupon(&d2, cpr, &cpresp), "UpsertCoupon");
  }

  const std::string token =
      cc::auth::SignHs256("load-agent", absl::Now() + absl::Hours(2), secret);
  const std::string warehouse_token =
      cc::auth::SignHs256("load-warehouse", absl::Now() + absl::Hours(2), secret);
  const bool allow_failures = absl::GetFlag(FLAGS_allow_failures);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  const int front_doors = std::max(1, absl::GetFlag(FLAGS_front_doors));
  for (int i = 0; i < 4 * front_doors; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", i);  // separate connections
    // Reconnect within a second when the front door comes back (a crash
    // test), as an agent's desktop would; the minimum matters too (gRPC's
    // default, 20 s, also spaces out attempts after refused connects), as
    // for the front door's own channels (libs/grpcclient).
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // Channel i reaches front door i % front_doors: agents alternate.
    channels.push_back(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", base + 100 * (i % front_doors)),
        grpc::InsecureChannelCredentials(), args));
  }
  Recorder recorder;
  std::atomic<int> started{0}, completed{0}, failed{0}, shipped{0}, ship_failed{0}, returned{0};
  std::mutex ids_mu;
  std::mutex errors_mu;
  std::map<std::string, int> errors;  // "RPC code: message" -> count
  std::vector<std::string> confirmed_ids;
  const absl::Time deadline = absl::Now() + absl::Seconds(seconds);
  const absl::Time t0 = absl::Now();
  std::vector<std::thread> threads;
  for (int a = 0; a < agents; ++a) {
    threads.emplace_back([&, a] {
      auto stub = fd::OrderEntryService::NewStub(channels[a % channels.size()]);
      auto warehouse = fd::FulfillmentService::NewStub(channels[a % channels.size()]);
      auto call = [&](const char* name, auto&& fn, const std::string& as = "") {
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + (as.empty() ? token : as));
        ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
        // In a crash test, calls wait for the front door to come back. (A
        // call failing at once polls nothing, and a client with no server
        // of its own then only advances its reconnection every few seconds.)
        ctx.set_wait_for_ready(allow_failures);
        const absl::Time s = absl::Now();
        grpc::Status st = fn(&ctx);
        recorder.Add(name, absl::ToInt64Microseconds(absl::Now() - s));
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(errors_mu);
          ++errors[absl::StrCat(name, " ", st.error_code(), ": ", st.error_message())];
        }
        return st;
      };
      for (int n = 0; absl::Now() < deadline && started.fetch_add(1) < max_orders; ++n) {
        const std::string rid = absl::StrCat(run, "-", a, "-", n);
        const absl::Time flow_start = absl::Now();
        bool ok = true;
        std::string order_id;
        cc::common::v1::Order submitted;
        {
          fd::StartOrderRequest req;
          req.set_request_id(rid + "-start");
          req.set_call_center_id("cc-load");
          req.set_customer_id(customer);
          fd::StartOrderResponse resp;
          ok = call("StartOrder", [&](auto* c) { return stub->StartOrder(c, req, &resp); }).ok();
          order_id = resp.order().order_id();
        }
        for (int l = 0; ok && l < 3; ++l) {
          fd::AddLineRequest req;
          req.set_request_id(absl::StrCat(rid, "-line", l));
          req.set_order_id(order_id);
          req.set_product_id(absl::StrCat("LOAD-P", l));
          req.set_quantity(1 + l);
          fd::AddLineResponse resp;
          ok = call("AddLine", [&](auto* c) { return stub->AddLine(c, req, &resp); }).ok();
        }
        if (ok) {
          fd::SetDeliveryRequest req;
          req.set_request_id(rid + "-delivery");
          req.set_order_id(order_id);
          req.set_delivery_mode("STANDARD");
          fd::SetDeliveryResponse resp;
          ok = call("SetDelivery", [&](auto* c) { return stub->SetDelivery(c, req, &resp); }).ok();
        }
        if (ok) {
          fd::ApplyCouponRequest req;
          req.set_request_id(rid + "-coupon");
          req.set_order_id(order_id);
          req.set_coupon_code("LOAD5");
          fd::ApplyCouponResponse resp;
          ok = call("ApplyCoupon", [&](auto* c) { return stub->ApplyCoupon(c, req, &resp); }).ok();
        }
        if (ok) {
          fd::AddPaymentRequest req;
          req.set_request_id(rid + "-pay");
          req.set_order_id(order_id);
          req.set_method(cc::common::v1::PAYMENT_METHOD_CARD);
          req.set_card_token("tok_load_4242");
          fd::AddPaymentResponse resp;
          ok = call("AddPayment", [&](auto* c) { return stub->AddPayment(c, req, &resp); }).ok();
        }
        if (ok) {
          fd::SubmitOrderRequest req;
          req.set_request_id(rid + "-submit");
          req.set_order_id(order_id);
          fd::SubmitOrderResponse resp;
          grpc::Status s = call("SubmitOrder", [&](auto* c) { return stub->SubmitOrder(c, req, &resp); });
          ok = s.ok() && resp.order().status() == cc::common::v1::ORDER_STATUS_CONFIRMED;
          submitted = resp.order();
        }
        // Two shipments: the first line and one unit of the second, then
        // the rest. A shipment is retried (same request id) until it is
        // recorded, as a warehouse system would, through a crash too.
        for (int part = 0; ok && ship && part < 2; ++part) {
          fd::RecordShipmentRequest req;
          req.set_request_id(absl::StrCat(rid, "-ship", part));
          req.set_order_id(order_id);
          req.set_shipment_id(absl::StrCat(rid, "-S", part));
          req.set_carrier("LOADEX");
          for (int l = 0; l < submitted.lines_size(); ++l) {
            const int q = submitted.lines(l).quantity();
            const int units = part == 0 ? (l == 0   ? q
                                           : l == 1 ? 1
                                                    : 0)
                                        : (l == 0   ? 0
                                           : l == 1 ? q - 1
                                                    : q);
            if (units == 0) continue;
            auto* line = req.add_lines();
            line->set_line_id(submitted.lines(l).line_id());
            line->set_quantity(units);
          }
          fd::RecordShipmentResponse resp;
          grpc::Status s;
          for (int attempt = 0; attempt < 5; ++attempt) {
            s = call(
                "RecordShipment", [&](auto* c) { return warehouse->RecordShipment(c, req, &resp); },
                warehouse_token);
            if (s.ok() || !allow_failures) break;
            absl::SleepFor(absl::Milliseconds(200));
          }
          if (!s.ok()) {
            ++ship_failed;  // the order stays confirmed (counted above)
            break;
          }
          if (part == 1 && resp.order().status() == cc::common::v1::ORDER_STATUS_SHIPPED) ++shipped;
          if (part == 1) submitted = resp.order();
        }
        // One unit back, credit only: refunded to the card at once. Retried
        // (same request id) through a crash, as an agent's desktop would.
        if (ok && return_one && submitted.status() == cc::common::v1::ORDER_STATUS_SHIPPED) {
          fd::StartReturnRequest req;
          req.set_request_id(absl::StrCat(rid, "-return"));
          req.set_order_id(order_id);
          req.set_reason_code("LOAD-RETURN");
          auto* line = req.add_lines();
          line->set_line_id(submitted.lines(0).line_id());
          line->set_quantity(1);
          line->set_disposition(fd::DISPOSITION_CREDIT_ONLY);
          fd::StartReturnResponse resp;
          grpc::Status s;
          for (int attempt = 0; attempt < 5; ++attempt) {
            s = call("StartReturn", [&](auto* c) { return stub->StartReturn(c, req, &resp); });
            if (s.ok() || !allow_failures) break;
            absl::SleepFor(absl::Milliseconds(200));
          }
          if (s.ok() && resp.return_order().status() == fd::RETURN_STATUS_REFUNDED) ++returned;
        }
        if (ok) {
          recorder.Add("whole flow", absl::ToInt64Microseconds(absl::Now() - flow_start));
          ++completed;
          std::lock_guard<std::mutex> lock(ids_mu);
          confirmed_ids.push_back(order_id);
        } else {
          ++failed;
          absl::SleepFor(absl::Milliseconds(20));  // as an agent would, not in a tight loop
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - t0);

  // Every confirmed order must be in PostgreSQL, CONFIRMED.
  std::set<std::string> stored_ids;
  {
    auto stub = fd::OrderEntryService::NewStub(channels[0]);
    ForEachOrder(*stub, token, customer, [&](const cc::common::v1::Order& o) {
      if (Submitted(o.status())) stored_ids.insert(o.order_id());
    });
  }
  const int stored = static_cast<int>(stored_ids.size());
  std::cout << absl::StrFormat(
      "agents=%d duration=%.1fs completed=%d failed=%d confirmed_in_db=%d shipped=%d "
      "returned=%d\n"
      "throughput: %.1f completed orders/s\n"
      "customer=%s\n",
      agents, elapsed, completed.load(), failed.load(), stored, shipped.load(), returned.load(),
      completed.load() / elapsed, customer);
  recorder.Print();
  for (const auto& [error, count] : errors)
    std::cout << "  error x" << count << ": " << error << "\n";
  int lost = 0;
  for (const std::string& id : confirmed_ids) lost += stored_ids.count(id) == 0 ? 1 : 0;
  // A crash may leave an order confirmed whose reply never arrived (stored
  // above completed); one confirmed to the agent and not stored is lost.
  const bool good =
      lost == 0 && (allow_failures || (failed == 0 && ship_failed == 0 && stored == completed));
  std::cout << absl::StrFormat("lost=%d\n", lost)
            << (good ? (allow_failures ? "OK: no lost orders" : "OK: no failed or lost orders")
                     : "FAILED: failed or lost orders")
            << std::endl;
  return good ? 0 : 1;
}
