// AddLine through the front door as the order grows: an order of N - 1
// lines gets its Nth (N = 10, 100, 500: the limit) and loses it again;
// only the AddLine is timed. All six services in this process on 127.0.0.1:0
// against a real PostgreSQL (PGHOST etc. as for the tests):
//   bazel run -c opt //tests/benchmarks:add_line_benchmark
// BM_AddLine times the call as a stub caller sees it, its parse of the
// whole answered order included; BM_AddLineServed the same call received as
// bytes, so what the suite spends (services, gRPC and PostgreSQL) is told
// apart from what the caller's own parse costs.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/support/byte_buffer.h"
#include "tests/e2e/suite_harness.h"

namespace callcenter::testing {
namespace {

namespace fd = orchestration::v1;

void SetUpWorld() {
  grpc::ClientContext a, b, c;
  order::v1::UpsertCallCenterRequest cc;
  cc.mutable_call_center()->set_call_center_id("bench-cc");
  cc.mutable_call_center()->set_name("Bench");
  cc.mutable_call_center()->set_currency("USD");
  cc.mutable_call_center()->add_payment_methods(common::v1::PAYMENT_METHOD_CARD);
  cc.mutable_call_center()->add_delivery_modes("STANDARD");
  cc.mutable_call_center()->set_order_completion_enabled(true);
  cc.mutable_call_center()->set_directed_selling_enabled(true);
  order::v1::UpsertCallCenterResponse ccr;
  suite->call_centers->UpsertCallCenter(&a, cc, &ccr);
  order::v1::UpsertUserRequest user;
  user.mutable_user()->set_user_id("bench-agent");
  user.mutable_user()->set_call_center_id("bench-cc");
  order::v1::UpsertUserResponse ur;
  suite->call_centers->UpsertUser(&b, user, &ur);
  order::v1::UpsertCustomerRequest cust;
  cust.mutable_customer()->set_customer_id("bench-cust");
  cust.mutable_customer()->set_name("Bench Customer");
  order::v1::UpsertCustomerResponse cr;
  suite->customers->UpsertCustomer(&c, cust, &cr);
  for (int i = 0; i < 600; ++i) {
    grpc::ClientContext ctx;
    pricing::v1::UpsertProductRequest p;
    p.mutable_product()->set_product_id(absl::StrCat("bench-p", i));
    p.mutable_product()->set_name(absl::StrCat("Product ", i));
    *p.mutable_product()->mutable_base_price() = Usd(500 + i);
    pricing::v1::UpsertProductResponse pr;
    suite->pricing->UpsertProduct(&ctx, p, &pr);
  }
}

std::string NextId() {
  static int n = 0;
  return absl::StrCat("bench-r", ++n);
}

// The answer to a timed AddLine: parsed by the generated stub, or kept as
// the bytes that came (parsed after the clock stops, for the line id).
template <bool kParse>
grpc::Status TimedAddLine(const fd::AddLineRequest& add, std::unique_ptr<fd::AddLineResponse>* out,
                          benchmark::State& state) {
  auto added = std::make_unique<fd::AddLineResponse>();
  grpc::Status s;
  if constexpr (kParse) {
    s = suite->front->AddLine(suite->As("bench-agent").get(), add, added.get());
    state.PauseTiming();
  } else {
    static const grpc::internal::RpcMethod kAddLine(
        "/callcenter.orchestration.v1.OrderEntryService/AddLine",
        grpc::internal::RpcMethod::NORMAL_RPC);
    grpc::ByteBuffer bytes;
    s = grpc::internal::BlockingUnaryCall<fd::AddLineRequest, grpc::ByteBuffer>(
        suite->front_channel.get(), kAddLine, suite->As("bench-agent").get(), add, &bytes);
    state.PauseTiming();
    if (s.ok()) {
      s = grpc::GenericDeserialize<grpc::ProtoBufferReader, fd::AddLineResponse>(&bytes,
                                                                              added.get());
    }
  }
  *out = std::move(added);
  return s;
}

template <bool kParse>
void AddLineAsOrderGrows(benchmark::State& state) {
  const int lines = static_cast<int>(state.range(0));
  fd::StartOrderRequest start;
  start.set_request_id(NextId());
  start.set_call_center_id("bench-cc");
  start.set_customer_id("bench-cust");
  fd::StartOrderResponse started;
  if (!suite->front->StartOrder(suite->As("bench-agent").get(), start, &started).ok()) {
    state.SkipWithError("StartOrder failed");
    return;
  }
  const std::string order_id = started.order().order_id();
  size_t last_order_bytes = 0;
  for (int i = 0; i < lines - 1; ++i) {
    fd::AddLineRequest add;
    add.set_request_id(NextId());
    add.set_order_id(order_id);
    add.set_product_id(absl::StrCat("bench-p", i));
    add.set_quantity(1);
    fd::AddLineResponse out;
    if (!suite->front->AddLine(suite->As("bench-agent").get(), add, &out).ok()) {
      state.SkipWithError("setting up the order failed");
      return;
    }
  }
  for (auto _ : state) {
    fd::AddLineRequest add;
    add.set_request_id(NextId());
    add.set_order_id(order_id);
    add.set_product_id("bench-p599");
    add.set_quantity(2);
    // Timed: the call (and, with kParse, the caller's parse of the answer).
    // Not timed: the answer's destruction and the RemoveLine, whose
    // messages (each a whole order) are freed before the clock runs again.
    std::unique_ptr<fd::AddLineResponse> added;
    grpc::Status s = TimedAddLine<kParse>(add, &added, state);
    last_order_bytes = added->order().ByteSizeLong();
    if (!s.ok()) {
      state.SkipWithError(s.error_message().c_str());
      break;
    }
    {
      fd::RemoveLineRequest remove;
      remove.set_request_id(NextId());
      remove.set_order_id(order_id);
      remove.set_line_id(added->order().lines(added->order().lines_size() - 1).line_id());
      added.reset();
      fd::RemoveLineResponse removed;
      suite->front->RemoveLine(suite->As("bench-agent").get(), remove, &removed);
    }
    state.ResumeTiming();
  }
  state.counters["lines"] = lines;
  state.counters["order_bytes"] = static_cast<double>(last_order_bytes);
}

void BM_AddLine(benchmark::State& state) { AddLineAsOrderGrows<true>(state); }
void BM_AddLineServed(benchmark::State& state) { AddLineAsOrderGrows<false>(state); }

// 10, 100 and 500 lines (the limit), each a fixed number of iterations:
// each adds two events to the order's log, so every size is measured with
// the same log.
void OrderSizes(benchmark::internal::Benchmark* b) {
  b->Arg(10)->Arg(100)->Arg(500)->Iterations(200)->Unit(benchmark::kMillisecond)->UseRealTime();
}
BENCHMARK(BM_AddLine)->Apply(OrderSizes);
BENCHMARK(BM_AddLineServed)->Apply(OrderSizes);

}  // namespace
}  // namespace callcenter::testing

int main(int argc, char** argv) {
  auto owned = callcenter::testing::Suite::Start();
  if (owned == nullptr) {
    std::cerr << "needs PostgreSQL: set PGHOST, PGPORT, PGUSER, PGDATABASE\n";
    return 1;
  }
  callcenter::testing::suite = owned.get();
  callcenter::testing::SetUpWorld();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
