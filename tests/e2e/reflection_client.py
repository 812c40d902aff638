#!/usr/bin/python3
"""A client in another language, as internal systems are: it knows the suite
only by the names in API.md and learns every message from the servers' own
reflection (no generated code of ours), then seeds master data and places
orders through the front door, checking DOMAIN.md's amounts to the cent:
discounts, delivery and tax, declines, idempotent retries, fraud holds,
prompts, price overrides within the user's allowance, cancelling, a feature
switched off, a continuity product's children then its cancellation, every
payment method, customer search and a catalog request.

    tests/e2e/reflection_client.py      # the suite up (deploy/local/suite up)

Services on 127.0.0.1 at CALLCENTER_PORT_BASE (50051) + 0..5 in API.md order;
the agent's token is signed with CALLCENTER_JWT_SECRET. Needs Debian's
python3-grpcio and grpc-proto, and protoc. Prints one line per check and
exits non-zero if any failed.
"""
import base64
import hashlib
import hmac
import importlib.util
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

GRPC_PROTOS = "/usr/share/grpc-proto"
# google.rpc.Status, ErrorInfo and BadRequest: the error details every
# error carries (AIP-193), as Google declares them.
RPC_PROTOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "protos")
BASE = int(os.environ.get("CALLCENTER_PORT_BASE", "50051"))
# API.md: port offset and the services each one serves.
SERVICES = {
    0: ["callcenter.orchestration.v1.OrderEntryService",
        "callcenter.orchestration.v1.FulfillmentService"],
    1: ["callcenter.order.v1.CallCenterService", "callcenter.order.v1.CustomerService",
        "callcenter.order.v1.ContinuityService"],
    2: ["callcenter.pricing.v1.PricingService"],
    3: ["callcenter.guidedselling.v1.GuidedSellingService"],
    4: ["callcenter.payment.v1.PaymentService"],
    5: ["callcenter.hold.v1.HoldService"],
}

# API.md's front door, every RPC by name.
FRONT_DOOR_RPCS = [
    "StartOrder", "AddLine", "UpdateLineQuantity", "RemoveLine", "SetSourceCode", "ApplyCoupon",
    "OverrideLinePrice", "SetDelivery", "AddPayment", "GetOrderSummary", "SubmitOrder",
    "PlaceHold", "ClearHold", "CancelOrder", "GetOrder", "ListCustomerOrders", "RequestCatalog",
    "ListHolds", "CheckOutHold", "ReleaseHoldCheckout", "StartReturn", "AdjustReturnCredit",
    "ApproveRefund", "CancelReturn", "GetReturn", "PriceMatch", "GetPriceDetails"]

# API.md's fulfilment service, every RPC by name.
FULFILLMENT_RPCS = ["RecordShipment", "SetExpectedShipDate", "RecordReturnReceipt",
                    "RunDelayedOrderNotices", "RunInstallments", "PurgeOrders"]
API_RPCS = {"callcenter.orchestration.v1.OrderEntryService": FRONT_DOOR_RPCS,
            "callcenter.orchestration.v1.FulfillmentService": FULFILLMENT_RPCS}

failures = 0


def check(ok, what):
    global failures
    print(("PASS: " if ok else "FAIL: ") + what)
    if not ok:
        failures += 1
    return ok


def grpc_messages():
    """The reflection (v1 and v1alpha) and health messages, compiled from
    grpc-proto's files."""
    out = tempfile.mkdtemp(prefix="cc-reflection-")
    subprocess.run(["protoc", "-I" + GRPC_PROTOS, "--python_out=" + out,
                    "grpc/reflection/v1/reflection.proto",
                    "grpc/reflection/v1alpha/reflection.proto", "grpc/health/v1/health.proto"],
                   check=True)

    def module(path):  # by file: the package name "grpc" is grpcio's
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        return m

    return ({v: module(f"{out}/grpc/reflection/{v}/reflection_pb2.py") for v in ("v1", "v1alpha")},
            module(f"{out}/grpc/health/v1/health_pb2.py"))


class Reflection:
    """Descriptors of the services behind one address, as reflection serves them."""

    def __init__(self, channel, version, reflection_pb2, pool):
        self.pb = reflection_pb2
        self.pool = pool
        self.rpc = channel.stream_stream(
            f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
            request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
            response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)

    def ask(self, **request):
        [response] = list(self.rpc(iter([self.pb.ServerReflectionRequest(**request)]), timeout=10))
        if response.HasField("error_response"):
            raise LookupError(f"{request}: {response.error_response.error_message}")
        return response

    def services(self):
        return [s.name for s in self.ask(list_services="").list_services_response.service]

    def load(self, symbol):
        """Adds the file defining `symbol` and every file it imports to the pool."""
        files = self.ask(file_containing_symbol=symbol).file_descriptor_response
        pending = {}
        for raw in files.file_descriptor_proto:
            f = descriptor_pb2.FileDescriptorProto.FromString(raw)
            pending[f.name] = f
        self._add_in_order(pending)

    def _add_in_order(self, pending):
        def add(name):
            try:
                self.pool.FindFileByName(name)
                return
            except KeyError:
                pass
            if name not in pending:  # not sent along: ask for it by name
                raw = self.ask(file_by_filename=name).file_descriptor_response.file_descriptor_proto
                for r in raw:
                    f = descriptor_pb2.FileDescriptorProto.FromString(r)
                    pending.setdefault(f.name, f)
            for dep in pending[name].dependency:
                add(dep)
            self.pool.Add(pending[name])

        for name in list(pending):
            add(name)


class Client:
    """Calls any method of a reflected service by name, with dict requests."""

    def __init__(self, channel, pool, service, token=None):
        self.channel = channel
        self.service = pool.FindServiceByName(service)
        self.factory = message_factory.MessageFactory(pool)
        self.token = token

    def message(self, full_name, fields):
        cls = self.factory.GetPrototype(self.service.file.pool.FindMessageTypeByName(full_name))
        return json_format.ParseDict(fields, cls())

    def __call__(self, rpc_name, /, _token=None, **fields):
        m = self.service.methods_by_name.get(rpc_name)
        if m is None:
            raise LookupError(f"{self.service.full_name} has no method {rpc_name}")
        out = self.factory.GetPrototype(m.output_type)
        rpc = self.channel.unary_unary(f"/{self.service.full_name}/{rpc_name}",
                                       request_serializer=lambda r: r.SerializeToString(),
                                       response_deserializer=out.FromString)
        token = _token if _token is not None else self.token
        metadata = [("authorization", "Bearer " + token)] if token else None
        return rpc(self.message(m.input_type.full_name, fields), timeout=15, metadata=metadata)


def jwt(user, secret, ttl=3600):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": user, "exp": int(time.time()) + ttl}).encode())
    sig = b64(hmac.new(secret.encode(), head + b"." + body, hashlib.sha256).digest())
    return (head + b"." + body + b"." + sig).decode()


def forged(secret, header, claims, hash_name="sha256", sig=None):
    """A token with any header and claims, signed as HS-something with
    `secret` (or carrying `sig` as its signature part)."""
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims).encode())
    if sig is None:
        sig = b64(hmac.new(secret.encode(), head + b"." + body, getattr(hashlib, hash_name)).digest())
    return (head + b"." + body + b"." + sig).decode()


def token_attacks(run, call_centers, front, cc_id, agent, secret):
    """Tokens an attacker would try, each against a read and a change of an
    order of `cc_id`: refused (UNAUTHENTICATED, or PERMISSION_DENIED for a
    real user of another call center) and nothing written."""
    other_cc, stranger = f"py-cc-other-{run}", f"py-stranger-{run}"
    call_centers("UpsertCallCenter", call_center={
        "call_center_id": other_cc, "name": "Another desk", "currency": "USD",
        "payment_methods": ["PAYMENT_METHOD_CARD"], "delivery_modes": ["GROUND"]})
    call_centers("UpsertUser", user={"user_id": stranger, "call_center_id": other_cc})
    order = front("StartOrder", request_id=f"r-{run}-attack", call_center_id=cc_id,
                  customer_id=f"py-c-{run}").order
    now = int(time.time())
    good = {"sub": agent, "exp": now + 600}
    hs = {"alg": "HS256", "typ": "JWT"}
    valid = forged(secret, hs, good)
    head, body, sig = valid.split(".")
    # The signature's last character with its unused padding bits set: the
    # same bytes decoded leniently, not canonical base64url.
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(sig[-1])
    padded = sig[:-1] + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last | 3]
    attacks = [
        ("alg none, no signature", forged(secret, {"alg": "none", "typ": "JWT"}, good, sig=b""),
         grpc.StatusCode.UNAUTHENTICATED),
        ("alg HS384", forged(secret, {"alg": "HS384", "typ": "JWT"}, good, "sha384"),
         grpc.StatusCode.UNAUTHENTICATED),
        ("alg RS256 over an HMAC signature", forged(secret, {"alg": "RS256", "typ": "JWT"}, good),
         grpc.StatusCode.UNAUTHENTICATED),
        ("a wrong key", forged("not-the-secret", hs, good), grpc.StatusCode.UNAUTHENTICATED),
        ("expired exp", forged(secret, hs, {"sub": agent, "exp": now - 300}),
         grpc.StatusCode.UNAUTHENTICATED),
        ("nbf in the future", forged(secret, hs, {"sub": agent, "nbf": now + 600, "exp": now + 1200}),
         grpc.StatusCode.UNAUTHENTICATED),
        ("no sub", forged(secret, hs, {"exp": now + 600}), grpc.StatusCode.UNAUTHENTICATED),
        ("no exp", forged(secret, hs, {"sub": agent}), grpc.StatusCode.UNAUTHENTICATED),
        ("a lifetime beyond the maximum", forged(secret, hs, {"sub": agent, "exp": now + 3 * 86400}),
         grpc.StatusCode.UNAUTHENTICATED),
        ("padding bits altered", ".".join([head, body, padded]), grpc.StatusCode.UNAUTHENTICATED),
        ("claims that are not an object", forged(secret, hs, [agent, now + 600]),
         grpc.StatusCode.UNAUTHENTICATED),
        ("a user nobody added", forged(secret, hs, {"sub": f"py-ghost-{run}", "exp": now + 600}),
         None),
        ("a user of another call center", forged(secret, hs, {"sub": stranger, "exp": now + 600}),
         grpc.StatusCode.PERMISSION_DENIED),
    ]
    if padded == sig:  # the signature's last character had no spare bits
        attacks = [a for a in attacks if a[0] != "padding bits altered"]
    for name, token, want in attacks:
        read, _ = code_of(lambda: front("GetOrder", _token=token, order_id=order.order_id))
        change, _ = code_of(lambda: front("AddLine", _token=token, request_id=f"r-{run}-{name}",
                                          order_id=order.order_id, product_id=f"py-tea-{run}",
                                          quantity=1))
        expected = (want,) if want else (grpc.StatusCode.UNAUTHENTICATED,
                                         grpc.StatusCode.PERMISSION_DENIED)
        check(read in expected and change in expected,
              f"token with {name}: GetOrder {read.name}, AddLine {change.name}")
    after = front("GetOrder", order_id=order.order_id).order
    check(after.version == order.version and len(after.lines) == 0,
          f"after {len(attacks)} forged tokens the order is as it was (version {after.version})")
    check(code_of(lambda: front("GetOrder", _token=valid, order_id=order.order_id))[0]
          == grpc.StatusCode.OK, "the same claims, properly signed: GetOrder OK")


def code_of(call):
    try:
        call()
    except grpc.RpcError as e:
        return e.code(), e.details()
    return grpc.StatusCode.OK, ""


def load_module(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def rpc_detail_messages():
    """google.rpc.Status and the error details, compiled from protos/google/rpc."""
    out = tempfile.mkdtemp(prefix="cc-rpc-")
    subprocess.run(["protoc", "-I" + RPC_PROTOS, "-I/usr/include", "--python_out=" + out,
                    "google/rpc/status.proto", "google/rpc/error_details.proto"], check=True)
    return (load_module(f"{out}/google/rpc/status_pb2.py"),
            load_module(f"{out}/google/rpc/error_details_pb2.py"))


RPC_STATUS, RPC_DETAILS = rpc_detail_messages()


def error_of(call):
    """(code, ErrorInfo reason, ErrorInfo domain, BadRequest fields) of a
    failing call, decoded from grpc-status-details-bin as any client would."""
    try:
        call()
    except grpc.RpcError as e:
        reason, domain, fields = "", "", []
        for key, value in e.trailing_metadata() or ():
            if key != "grpc-status-details-bin":
                continue
            status = RPC_STATUS.Status.FromString(value)
            for any_detail in status.details:
                if any_detail.Is(RPC_DETAILS.ErrorInfo.DESCRIPTOR):
                    info = RPC_DETAILS.ErrorInfo()
                    any_detail.Unpack(info)
                    reason, domain = info.reason, info.domain
                elif any_detail.Is(RPC_DETAILS.BadRequest.DESCRIPTOR):
                    bad = RPC_DETAILS.BadRequest()
                    any_detail.Unpack(bad)
                    fields += [v.field for v in bad.field_violations]
        return e.code(), reason, domain, fields
    return grpc.StatusCode.OK, "", "", []


def usd(minor):
    return {"currency": "USD", "minor_units": minor}


def main():
    reflection_pbs, health_pb2 = grpc_messages()
    pool = descriptor_pool.DescriptorPool()
    channels = {o: grpc.insecure_channel(f"127.0.0.1:{BASE + o}") for o in SERVICES}

    # Each port serves API.md's services, with health by name, and reflection
    # gives complete descriptors: every method's messages resolve.
    for offset, names in SERVICES.items():
        # v1 as current clients ask it; v1alpha, which older ones ask, agrees.
        reflection = Reflection(channels[offset], "v1", reflection_pbs["v1"], pool)
        listed = reflection.services()
        alpha = Reflection(channels[offset], "v1alpha", reflection_pbs["v1alpha"], pool)
        check(sorted(alpha.services()) == sorted(listed),
              f"port {BASE + offset}: reflection v1 and v1alpha list the same services")
        for name in names:
            if not check(name in listed, f"port {BASE + offset} lists {name}"):
                continue
            reflection.load(name)
            service = pool.FindServiceByName(name)
            factory = message_factory.MessageFactory(pool)
            for m in service.methods:  # raises if a message is not fully described
                factory.GetPrototype(m.input_type)
                factory.GetPrototype(m.output_type)
            check(True, f"{name}: {len(service.methods)} methods, messages built from reflection")
            if name in API_RPCS:
                missing = [r for r in API_RPCS[name] if r not in service.methods_by_name]
                check(not missing, f"{name} has every RPC of API.md (missing: {missing})")
            health = channels[offset].unary_unary(
                "/grpc.health.v1.Health/Check",
                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                response_deserializer=health_pb2.HealthCheckResponse.FromString)
            try:
                status = health(health_pb2.HealthCheckRequest(service=name), timeout=5).status
            except grpc.RpcError as e:
                status = e.code()
            check(status == health_pb2.HealthCheckResponse.SERVING,
                  f"{name}: health by service name SERVING (got {status})")
    if failures:
        return 1

    run = secrets.token_hex(4)
    admin = {n: Client(channels[o], pool, n) for o, names in SERVICES.items() for n in names}
    call_centers = admin["callcenter.order.v1.CallCenterService"]
    customers = admin["callcenter.order.v1.CustomerService"]
    pricing = admin["callcenter.pricing.v1.PricingService"]
    holds = admin["callcenter.hold.v1.HoldService"]

    # Master data, with this run's own ids.
    cc_id, agent, postal = f"py-cc-{run}", f"py-agent-{run}", f"V{run}"
    call_centers("UpsertCallCenter", call_center={
        "call_center_id": cc_id, "name": "Python test desk", "currency": "USD",
        "default_warehouse": "WH-9", "payment_methods": ["PAYMENT_METHOD_CARD"],
        "delivery_modes": [f"GROUND-{run}"], "financial_dimensions": {"department": "CC9"},
        "order_completion_enabled": True, "directed_selling_enabled": True,
        "price_control_enabled": True, "min_fraud_score": 100,
        "concurrency_model": "CONCURRENCY_MODEL_WITHIN_PRIORITY_NEVER_ACROSS",
        "return_reasons": [{"reason_code": "DAMAGED"}]})
    call_centers("UpsertUser", user={"user_id": agent, "call_center_id": cc_id,
                                     "clearable_hold_codes": ["*"], "may_cancel": True})
    address = {"name": "Ada Byron", "line1": "1 Main St", "city": "Vancouver", "region": "BC",
               "postal_code": postal + "1", "country": "CA"}
    for cust, email in ((f"py-c-{run}", f"ada-{run}@example.com"),
                        (f"py-c-risky-{run}", f"risky-{run}@example.com")):
        customers("UpsertCustomer", customer={"customer_id": cust, "name": "Ada Byron",
                                              "email": email, "delivery_address": address,
                                              "billing_address": address})
    tea, kettle = f"py-tea-{run}", f"py-kettle-{run}"
    pricing("UpsertProduct", product={"product_id": tea, "name": "Tea", "unit_cost": usd(300),
                                      "base_price": usd(850)})
    pricing("UpsertProduct", product={"product_id": kettle, "name": "Kettle",
                                      "unit_cost": usd(1500), "base_price": usd(4000)})
    pricing("UpsertDiscount", discount={
        "discount_id": f"py-d-{run}", "name": "Quarter off tea", "kind": "DISCOUNT_KIND_SIMPLE",
        "concurrency": "CONCURRENCY_EXCLUSIVE", "priority": 1, "product_ids": [tea],
        "percent_bp": 2500, "requires_coupon": True})
    pricing("UpsertCoupon", coupon={"coupon_code": f"PY{run}".upper(), "discount_id": f"py-d-{run}",
                                    "active": True})
    pricing("UpsertDeliveryCharge", delivery_charge={"delivery_mode": f"GROUND-{run}", "tiers": [
        {"from_amount": usd(0), "amount": usd(595)},
        {"from_amount": usd(5000), "amount": usd(795)},
        {"from_amount": usd(10000), "amount": usd(0)}]})
    pricing("UpsertTaxRate", tax_rate={"tax_rate_id": f"py-tax-{run}", "postal_prefix": postal,
                                       "rate_bp": 800})
    holds("UpsertHoldCode", hold_code={"hold_code": "FRAUD", "description": "Fraud check",
                                       "active": True})
    holds("UpsertFraudData", fraud_data={"kind": "FRAUD_DATA_KIND_EMAIL",
                                         "value": f"risky-{run}@example.com", "score": 500})
    check(True, "master data stored through the internal services' Upsert RPCs")

    front = Client(channels[0], pool, "callcenter.orchestration.v1.OrderEntryService",
                   token=jwt(agent, os.environ["CALLCENTER_JWT_SECRET"]))
    code, _ = code_of(lambda: front("StartOrder", _token="", request_id=f"r-{run}-0",
                                    call_center_id=cc_id, customer_id=f"py-c-{run}"))
    check(code == grpc.StatusCode.UNAUTHENTICATED, "no token: UNAUTHENTICATED")
    code, _ = code_of(lambda: front("StartOrder", _token=jwt(agent, "not-the-secret"),
                                    request_id=f"r-{run}-0", call_center_id=cc_id,
                                    customer_id=f"py-c-{run}"))
    check(code == grpc.StatusCode.UNAUTHENTICATED, "token signed with another secret: UNAUTHENTICATED")

    def place(customer, n):
        order = front("StartOrder", request_id=f"r-{run}-{n}-start", call_center_id=cc_id,
                      customer_id=customer).order
        oid = order.order_id
        check(order.status == 1 and order.financial_dimensions["department"] == "CC9",
              "StartOrder: DRAFT, the call center's financial dimensions")
        code, detail = code_of(lambda: front("AddLine", request_id=f"r-{run}-{n}-bad",
                                             order_id=oid, product_id=tea, quantity=0))
        check(code == grpc.StatusCode.INVALID_ARGUMENT and "quantity" in detail,
              f"AddLine quantity 0: INVALID_ARGUMENT naming the field ({detail})")
        code, reason, domain, fields = error_of(
            lambda: front("AddLine", request_id=f"r-{run}-{n}-big", order_id=oid,
                          product_id=tea, quantity=10000))
        check(code == grpc.StatusCode.INVALID_ARGUMENT and reason == "LIMIT_EXCEEDED"
              and domain == "callcenter" and fields == ["quantity"],
              f"AddLine quantity 10000: ErrorInfo {reason}/{domain}, BadRequest {fields}")
        code, reason, domain, fields = error_of(
            lambda: front("PlaceHold", request_id=f"r-{run}-{n}-note", order_id=oid,
                          hold_code="CUSTOMER_REQUEST", note="n" * 2001))
        check(code == grpc.StatusCode.INVALID_ARGUMENT and fields == ["note"],
              f"PlaceHold with a 2001-character note: refused naming it ({reason}, {fields})")
        front("AddLine", request_id=f"r-{run}-{n}-l1", order_id=oid, product_id=tea, quantity=1,
              origin="LINE_ORIGIN_NONE")
        again = front("AddLine", request_id=f"r-{run}-{n}-l1", order_id=oid, product_id=tea,
                      quantity=1, origin="LINE_ORIGIN_NONE").order
        check(len(again.lines) == 1, "AddLine repeated with its request_id: still one line")
        front("AddLine", request_id=f"r-{run}-{n}-l2", order_id=oid, product_id=kettle, quantity=1)
        order = front("ApplyCoupon", request_id=f"r-{run}-{n}-cp", order_id=oid,
                      coupon_code=f"PY{run}".upper()).order
        # A draft edit's answer is written from the bytes saved, with the
        # save's stamps (version, time, events) as later fields: read here
        # by another protobuf runtime, it is the stored order.
        stored = front("GetOrder", order_id=oid).order
        stored.backordered = order.backordered  # GetOrder works it out for the day
        check(order == stored and order.version == stored.version and
              order.updated_at == stored.updated_at and len(order.events) == len(stored.events),
              f"ApplyCoupon's answer is the stored order (version {order.version}, "
              f"{len(order.events)} events)")
        line = next(l for l in order.lines if l.product_id == tea)
        check(line.discount.minor_units == 213 and line.net_amount.minor_units == 637,
              f"25% of 8.50 = 2.125 -> 2.13 off, net 6.37 (got {line.discount.minor_units}, "
              f"{line.net_amount.minor_units})")
        details = front("GetPriceDetails", order_id=oid)
        tea_detail = next(d for d in details.lines if d.product_id == tea)
        coupon = next(d for d in tea_detail.discounts if d.discount_id == f"py-d-{run}")
        check(tea_detail.price_source == 1 and coupon.outcome == 1  # BASE, APPLIED
              and coupon.amount.minor_units == 213,
              f"GetPriceDetails: the tea's coupon discount APPLIED, 2.13 (got outcome "
              f"{coupon.outcome}, {coupon.amount.minor_units})")
        order = front("SetDelivery", request_id=f"r-{run}-{n}-dl", order_id=oid,
                      delivery_mode=f"GROUND-{run}", address=address).order
        # 48.50 - 2.13 = 46.37 < 50.00: 5.95 delivery; 8% tax per line: 0.51 + 3.20 + 0.48.
        amounts = (order.subtotal.minor_units, order.discount_total.minor_units,
                   order.charges_total.minor_units, order.tax_total.minor_units,
                   order.total.minor_units, order.balance_due.minor_units)
        check(amounts == (4850, 213, 595, 419, 5651, 5651),
              f"subtotal, discounts, delivery, tax, total, balance due = {amounts}")
        order = front("AddPayment", request_id=f"r-{run}-{n}-p1", order_id=oid,
                      method="PAYMENT_METHOD_CARD", amount=usd(5651),
                      card_token="tok_test_0002").order
        check(order.payments[0].status == 3 and order.balance_due.minor_units == 5651,
              "card token ending 0002: DECLINED, nothing paid")
        code, _ = code_of(lambda: front("SubmitOrder", request_id=f"r-{run}-{n}-early",
                                        order_id=oid))
        check(code == grpc.StatusCode.FAILED_PRECONDITION, "submit without cover: FAILED_PRECONDITION")
        order = front("AddPayment", request_id=f"r-{run}-{n}-p2", order_id=oid,
                      method="PAYMENT_METHOD_CARD", card_token="tok_test_4242").order
        paid = order.payments[1]
        check(paid.status == 2 and paid.amount.minor_units == 5651 and paid.last4 == "4242"
              and order.balance_due.minor_units == 0,
              "card payment without amount: the balance due, AUTHORIZED, last four kept")
        return front("SubmitOrder", request_id=f"r-{run}-{n}-submit", order_id=oid).order

    order = place(f"py-c-{run}", 1)
    check(order.status == 3, "SubmitOrder: CONFIRMED")
    retry = front("SubmitOrder", request_id=f"r-{run}-1-submit", order_id=order.order_id).order
    check(retry == order, "SubmitOrder repeated with its request_id: the first result")
    code, _ = code_of(lambda: front("AddLine", request_id=f"r-{run}-late", order_id=order.order_id,
                                    product_id=tea, quantity=1))
    check(code == grpc.StatusCode.FAILED_PRECONDITION, "a confirmed order is read-only")
    history = front("ListCustomerOrders", customer_id=f"py-c-{run}", page_size=10)
    check([o.order_id for o in history.orders] == [order.order_id],
          "ListCustomerOrders: the customer's order")

    held = place(f"py-c-risky-{run}", 2)
    fraud = [h for h in held.holds if h.hold_code == "FRAUD" and h.open]
    check(held.status == 2 and held.fraud_score == 500 and len(fraud) == 1,
          "an email on the fraud list: ON_HOLD with an open FRAUD hold, score 500")
    if fraud:
        cleared = front("ClearHold", request_id=f"r-{run}-clear", order_id=held.order_id,
                        hold_id=fraud[0].hold_id, reason="called the customer back").order
        check(cleared.status == 3 and cleared.holds[0].cleared_by == agent,
              "ClearHold by a permitted user: CONFIRMED, cleared_by recorded")
    kinds = [e.kind for e in front("GetOrder", order_id=held.order_id).order.events]
    check(kinds == ["created", "line_added", "line_added", "coupon_applied", "delivery_set",
                    "payment_declined", "payment_authorized", "submitted", "held", "hold_cleared",
                    "confirmed"], f"the event log tells the story in order: {kinds}")

    token_attacks(run, call_centers, front, cc_id, agent, os.environ["CALLCENTER_JWT_SECRET"])
    more_rules(run, admin, front, cc_id, agent, tea, kettle, address)
    fulfil = ship_in_two(run, admin, channels[0], pool, front, cc_id, order, tea)
    return_and_refund(run, pool, front, fulfil, order, tea)

    def front_door_as(user):
        return Client(channels[0], pool, "callcenter.orchestration.v1.OrderEntryService",
                      token=jwt(user, os.environ["CALLCENTER_JWT_SECRET"]))

    every_payment_method(run, admin, front_door_as, tea, kettle, address)
    installments(run, admin, channels[0], pool, front_door_as, address)
    print(f"reflection client: {failures} failed")
    return 1 if failures else 0


def ship_in_two(run, admin, channel, pool, front, cc_id, order, tea):
    """A warehouse system ships the first order (tea and a kettle, 56.51) in
    two parts: each invoice to the cent, the card captured per invoice."""
    enum = lambda name, value: pool.FindEnumTypeByName(name).values_by_name[value].number
    shipped = enum("callcenter.common.v1.OrderStatus", "ORDER_STATUS_SHIPPED")
    partly = enum("callcenter.common.v1.OrderStatus", "ORDER_STATUS_PARTIALLY_SHIPPED")
    captured = enum("callcenter.common.v1.PaymentStatus", "PAYMENT_STATUS_CAPTURED")
    part_captured = enum("callcenter.common.v1.PaymentStatus", "PAYMENT_STATUS_PARTIALLY_CAPTURED")
    warehouse = f"py-wh-{run}"
    admin["callcenter.order.v1.CallCenterService"](
        "UpsertUser", user={"user_id": warehouse, "call_center_id": cc_id,
                            "may_record_fulfillment": True})
    fulfil = Client(channel, pool, "callcenter.orchestration.v1.FulfillmentService",
                    token=jwt(warehouse, os.environ["CALLCENTER_JWT_SECRET"]))
    tea_line = next(l.line_id for l in order.lines if l.product_id == tea)
    other = [l.line_id for l in order.lines if l.product_id != tea]
    code, _ = code_of(lambda: Client(channel, pool, "callcenter.orchestration.v1.FulfillmentService",
                                     token=front.token)(
        "RecordShipment", request_id=f"r-{run}-ship-agent", order_id=order.order_id,
        shipment_id="x", lines=[{"line_id": tea_line, "quantity": 1}]))
    check(code == grpc.StatusCode.PERMISSION_DENIED,
          "RecordShipment by an agent without may_record_fulfillment: PERMISSION_DENIED")
    first = fulfil("RecordShipment", request_id=f"r-{run}-ship-1", order_id=order.order_id,
                   shipment_id=f"S1-{run}", carrier="UPS", tracking_number="1Z001",
                   lines=[{"line_id": tea_line, "quantity": 1}]).order
    s1 = first.shipments[0]
    # Tea 6.37 + 0.51 tax, and the delivery 5.95 + 0.48 on the first invoice.
    check(first.status == partly and s1.invoice_amount.minor_units == 1331
          and s1.captured.minor_units == 1331,
          f"first shipment: PARTIALLY_SHIPPED, invoice 13.31 captured "
          f"({s1.invoice_amount.minor_units}, {s1.captured.minor_units})")
    card = first.payments[1]
    check(card.status == part_captured and card.captured.minor_units == 1331,
          "the card PARTIALLY_CAPTURED for the first invoice")
    second = fulfil("RecordShipment", request_id=f"r-{run}-ship-2", order_id=order.order_id,
                    shipment_id=f"S2-{run}", carrier="UPS", tracking_number="1Z002",
                    lines=[{"line_id": l, "quantity": 1} for l in other]).order
    invoices = [s.invoice_amount.minor_units for s in second.shipments]
    check(second.status == shipped and invoices == [1331, 4320] and sum(invoices) == 5651
          and second.payments[1].status == captured
          and second.payments[1].captured.minor_units == 5651,
          f"second shipment: SHIPPED, invoices {invoices} add up to the total 56.51, card CAPTURED")
    again = fulfil("RecordShipment", request_id=f"r-{run}-ship-2b", order_id=order.order_id,
                   shipment_id=f"S2-{run}", lines=[{"line_id": other[0], "quantity": 1}]).order
    check(len(again.shipments) == 2 and again.version == second.version,
          "the same shipment id again changes nothing")
    return fulfil


def return_and_refund(run, pool, front, fulfil, order, tea):
    """The customer returns the shipped order's tea (kept: credit at once)
    and its kettle (sent back: credit on receipt); each refund goes back to
    the one card that paid, to the cent."""
    enum = lambda name, value: pool.FindEnumTypeByName(name).values_by_name[value].number
    status = lambda value: enum("callcenter.orchestration.v1.ReturnStatus", value)
    card = enum("callcenter.common.v1.PaymentMethod", "PAYMENT_METHOD_CARD")
    captured = enum("callcenter.common.v1.PaymentStatus", "PAYMENT_STATUS_CAPTURED")
    tea_line = next(l.line_id for l in order.lines if l.product_id == tea)
    kettle_line = next(l.line_id for l in order.lines if l.product_id != tea)
    tea_return = front("StartReturn", request_id=f"r-{run}-ret-tea", order_id=order.order_id,
                       reason_code="DAMAGED", lines=[{"line_id": tea_line, "quantity": 1,
                                                      "disposition": "DISPOSITION_CREDIT_ONLY"}]
                       ).return_order
    # Tea 6.37 + 0.51 tax, its invoiced share.
    check(tea_return.status == status("RETURN_STATUS_REFUNDED")
          and tea_return.credit_total.minor_units == 688
          and tea_return.refunded.minor_units == 688 and tea_return.refund_method == card,
          f"StartReturn CREDIT_ONLY: REFUNDED 6.88 to the card ({tea_return.refunded.minor_units})")
    kettle_return = front("StartReturn", request_id=f"r-{run}-ret-kettle",
                          order_id=order.order_id, reason_code="DAMAGED",
                          lines=[{"line_id": kettle_line, "quantity": 1,
                                  "disposition": "DISPOSITION_CREDIT"}]).return_order
    check(kettle_return.status == status("RETURN_STATUS_AWAITING_RECEIPT")
          and kettle_return.credit_total.minor_units == 4320,
          "StartReturn CREDIT: AWAITING_RECEIPT, credit 43.20 (40.00 + 3.20 tax)")
    received = fulfil("RecordReturnReceipt", request_id=f"r-{run}-rcv",
                      return_id=kettle_return.return_id,
                      lines=[{"line_id": kettle_line, "quantity": 1}]).return_order
    check(received.status == status("RETURN_STATUS_REFUNDED")
          and received.refunded.minor_units == 4320,
          "RecordReturnReceipt: the kettle back, 43.20 REFUNDED")
    read = front("GetReturn", return_id=kettle_return.return_id).return_order
    check(read.refunded.minor_units == 4320 and len(read.events) >= 3,
          "GetReturn reads the refund and its event log")
    now = front("GetOrder", order_id=order.order_id).order
    paid = now.payments[1]
    check(paid.refunded.minor_units == 5008 and paid.status == captured
          and list(now.return_ids) == [tea_return.return_id, kettle_return.return_id]
          and [l.returned_quantity for l in now.lines] == [1, 1],
          f"the order shows its returns, returned units and 50.08 refunded of the card's 56.51 "
          f"(the delivery stays): {paid.refunded.minor_units}")


def more_rules(run, admin, front, cc_id, agent, tea, kettle, address):
    """Cancelling, price overrides, prompts, a switched-off feature and a
    continuity product, each through its API.md names."""
    call_centers = admin["callcenter.order.v1.CallCenterService"]
    pricing = admin["callcenter.pricing.v1.PricingService"]
    selling = admin["callcenter.guidedselling.v1.GuidedSellingService"]
    continuity = admin["callcenter.order.v1.ContinuityService"]
    customer = f"py-c-{run}"
    clerk = f"py-clerk-{run}"  # no override allowance, may not cancel
    call_centers("UpsertUser", user={"user_id": clerk, "call_center_id": cc_id,
                                     "price_override_max_bp": 0, "may_cancel": False})
    as_clerk = jwt(clerk, os.environ["CALLCENTER_JWT_SECRET"])
    mug = f"py-mug-{run}"
    pricing("UpsertProduct", product={"product_id": mug, "name": "Mug", "unit_cost": usd(400),
                                      "base_price": usd(1000), "allow_price_override": True})
    call_centers("UpsertUser", user={"user_id": agent, "call_center_id": cc_id,
                                     "clearable_hold_codes": ["*"], "may_cancel": True,
                                     "price_override_max_bp": 1000})
    selling("UpsertUpsellRule", upsell_rule={
        "rule_id": f"py-up-{run}", "trigger_product_id": mug, "suggested_product_id": tea,
        "kind": "PROMPT_KIND_CROSS_SELL", "priority": 1, "script": "Tea with that?",
        "active": True})

    order = front("StartOrder", request_id=f"r-{run}-m-start", call_center_id=cc_id,
                  customer_id=customer).order
    oid = order.order_id
    order = front("AddLine", request_id=f"r-{run}-m-l1", order_id=oid, product_id=mug,
                  quantity=2).order
    check([(p.product_id, p.kind, p.script) for p in order.prompts] == [(tea, 2, "Tea with that?")],
          "adding the trigger product prompts the cross-sell with its script")
    order = front("AddLine", request_id=f"r-{run}-m-l2", order_id=oid, product_id=tea,
                  quantity=1, origin="LINE_ORIGIN_CROSS_SELL").order
    check(order.lines[1].origin == 3, "a line added from the prompt records its origin")
    line = order.lines[0].line_id
    code, _ = code_of(lambda: front("OverrideLinePrice", request_id=f"r-{run}-m-o1", order_id=oid,
                                    line_id=line, unit_price=usd(850), reason_code="MATCH"))
    check(code == grpc.StatusCode.PERMISSION_DENIED, "override 15% below, allowance 10%: PERMISSION_DENIED")
    code, _ = code_of(lambda: front("OverrideLinePrice", _token=as_clerk,
                                    request_id=f"r-{run}-m-o2", order_id=oid, line_id=line,
                                    unit_price=usd(950), reason_code="MATCH"))
    check(code == grpc.StatusCode.PERMISSION_DENIED, "override by a user with no allowance: PERMISSION_DENIED")
    order = front("OverrideLinePrice", request_id=f"r-{run}-m-o3", order_id=oid, line_id=line,
                  unit_price=usd(900), reason_code="MATCH").order
    check(order.lines[0].price_overridden and order.lines[0].unit_price.minor_units == 900
          and order.lines[0].net_amount.minor_units == 1800 and order.subtotal.minor_units == 2650,
          "override 10% below: 2 x 9.00, marked overridden, subtotal 26.50")
    order = front("AddPayment", request_id=f"r-{run}-m-pay", order_id=oid,
                  method="PAYMENT_METHOD_CARD", card_token="tok_test_1111").order
    check(order.payments[0].status == 2, "card authorised")
    code, _ = code_of(lambda: front("CancelOrder", _token=as_clerk, request_id=f"r-{run}-m-c1",
                                    order_id=oid, reason="changed mind"))
    check(code == grpc.StatusCode.PERMISSION_DENIED, "cancel without may_cancel: PERMISSION_DENIED")
    order = front("CancelOrder", request_id=f"r-{run}-m-c2", order_id=oid,
                  reason="changed mind").order
    check(order.status == 4 and order.payments[0].status == 4 and order.paid_total.minor_units == 0,
          "CancelOrder: CANCELED, its authorisation VOIDED")

    # Directed selling switched off in a second call center.
    plain = f"py-cc-plain-{run}"
    call_centers("UpsertCallCenter", call_center={
        "call_center_id": plain, "name": "Plain desk", "currency": "USD",
        "payment_methods": ["PAYMENT_METHOD_CARD"], "delivery_modes": [f"GROUND-{run}"],
        "order_completion_enabled": True, "directed_selling_enabled": False})
    call_centers("UpsertUser", user={"user_id": clerk, "call_center_id": plain})
    plain_order = front("StartOrder", _token=as_clerk, request_id=f"r-{run}-p-start",
                        call_center_id=plain, customer_id=customer).order
    code, detail = code_of(lambda: front("SetSourceCode", _token=as_clerk,
                                         request_id=f"r-{run}-p-src", order_id=plain_order.order_id,
                                         source_code="ANY"))
    check(code == grpc.StatusCode.FAILED_PRECONDITION and "directed selling" in detail,
          f"directed selling off: FAILED_PRECONDITION naming it ({detail})")
    code, _ = code_of(lambda: front("StartOrder", _token=as_clerk, request_id=f"r-{run}-p-other",
                                    call_center_id=cc_id, customer_id=customer))
    check(code == grpc.StatusCode.PERMISSION_DENIED,
          "a user moved to another call center may not start orders in the first")

    # A continuity product: children when due, shown on the parent.
    vit = f"py-vit-{run}"
    pricing("UpsertProduct", product={"product_id": vit, "name": "Vitamins", "unit_cost": usd(300),
                                      "base_price": usd(2000),
                                      "continuity": {"interval_days": 30, "repeats": 2,
                                                     "price": usd(1800)}})
    sub = front("StartOrder", request_id=f"r-{run}-v-start", call_center_id=cc_id,
                customer_id=customer).order
    front("AddLine", request_id=f"r-{run}-v-l", order_id=sub.order_id, product_id=vit, quantity=1)
    front("SetDelivery", request_id=f"r-{run}-v-d", order_id=sub.order_id,
          delivery_mode=f"GROUND-{run}", address=address)
    front("AddPayment", request_id=f"r-{run}-v-p", order_id=sub.order_id,
          method="PAYMENT_METHOD_CARD", card_token="tok_test_4242")
    sub = front("SubmitOrder", request_id=f"r-{run}-v-s", order_id=sub.order_id).order
    def days_on(n):
        return time.strftime("%Y-%m-%d", time.gmtime(time.time() + n * 86400))

    created = list(continuity("RunDue", as_of=days_on(31)).child_order_ids)
    children = list(front("GetOrder", order_id=sub.order_id).order.child_order_ids)
    check(len(children) == 1 and children[0] in created,
          f"RunDue 31 days on: the parent shows its first child ({len(children)})")
    if children:
        child = front("GetOrder", order_id=children[0]).order
        check(child.parent_order_id == sub.order_id and child.lines[0].product_id == vit
              and child.lines[0].unit_price.minor_units == 1800,
              "a child ships the product at the plan's price, linked to its parent")
    parent = front("CancelContinuity", request_id=f"r-{run}-v-stop", order_id=sub.order_id,
                   reason="customer request").order
    check(parent.events[-1].kind == "continuity_cancelled" and parent.events[-1].user_id == agent,
          "CancelContinuity: the remaining shipment cancelled, the log says who")
    continuity("RunDue", as_of=days_on(61))
    children = list(front("GetOrder", order_id=sub.order_id).order.child_order_ids)
    check(len(children) == 1, f"no child after the cancellation ({len(children)} in all)")


def installments(run, admin, channel, pool, front_door_as, address):
    """Installment billing by API.md's names only: a payment schedule, a
    source code offering it, an eligible customer and product; the total on
    a card in 3 (equal, rounded down, the remainder on the last), the first
    taken at submit and the second by RunInstallments when due, the same
    date again taking nothing."""
    call_centers = admin["callcenter.order.v1.CallCenterService"]
    customers = admin["callcenter.order.v1.CustomerService"]
    pricing = admin["callcenter.pricing.v1.PricingService"]
    payments = admin["callcenter.payment.v1.PaymentService"]
    selling = admin["callcenter.guidedselling.v1.GuidedSellingService"]
    cc_id, agent, clerk = f"py-cc-inst-{run}", f"py-inst-agent-{run}", f"py-inst-wh-{run}"
    call_centers("UpsertCallCenter", call_center={
        "call_center_id": cc_id, "name": "Installments", "currency": "USD",
        "payment_methods": ["PAYMENT_METHOD_CARD"], "delivery_modes": ["GROUND"],
        "order_completion_enabled": True, "directed_selling_enabled": True,
        "min_fraud_score": 100})
    call_centers("UpsertUser", user={"user_id": agent, "call_center_id": cc_id})
    call_centers("UpsertUser", user={"user_id": clerk, "call_center_id": cc_id,
                                     "may_record_fulfillment": True})
    customer, product, plan, code = (f"py-c-inst-{run}", f"py-sofa-{run}", f"py-plan-{run}",
                                     f"PYINST{run}".upper())
    customers("UpsertCustomer", customer={"customer_id": customer, "name": "Ida Instalment",
                                          "delivery_address": address,
                                          "installment_eligible": True})
    pricing("UpsertProduct", product={"product_id": product, "name": "Sofa",
                                      "unit_cost": usd(4000), "base_price": usd(10000),
                                      "installment_eligible": True})
    stored = payments("UpsertPaymentSchedule", payment_schedule={
        "schedule_id": plan, "installments": 3, "interval_days": 30,
        "min_order_amount": usd(5000)}).payment_schedule
    check(stored.installments == 3, "UpsertPaymentSchedule stores the schedule")
    selling("UpsertSourceCode", source_code={"source_code": code, "catalog_id": "HOME",
                                             "payment_schedule_ids": [plan]})
    front = front_door_as(agent)
    o = front("StartOrder", request_id=f"r-{run}-i-start", call_center_id=cc_id,
              customer_id=customer, source_code=code).order
    o = front("AddLine", request_id=f"r-{run}-i-l", order_id=o.order_id, product_id=product,
              quantity=1).order
    o = front("AddPayment", request_id=f"r-{run}-i-pay", order_id=o.order_id,
              method="PAYMENT_METHOD_CARD", card_token="tok_visa_4242", schedule_id=plan).order
    # Equal installments rounded down, the remainder on the last (the total
    # includes the address's 8% tax).
    total = o.total.minor_units
    want = [total // 3, total // 3, total - 2 * (total // 3)]
    parts = [i.amount.minor_units for i in o.payments[0].installments]
    check(parts == want and o.balance_due.minor_units == 0,
          f"{total / 100:.2f} in 3 installments: {parts}, nothing due")
    o = front("SubmitOrder", request_id=f"r-{run}-i-submit", order_id=o.order_id).order
    check(o.payments[0].captured.minor_units == want[0] and o.payments[0].installments[0].status == 5,
          "the first installment captured at submit")
    fulfil = Client(channel, pool, "callcenter.orchestration.v1.FulfillmentService",
                    token=jwt(clerk, os.environ["CALLCENTER_JWT_SECRET"]))
    due = o.payments[0].installments[1].due_on
    ran = fulfil("RunInstallments", as_of=due)
    again = fulfil("RunInstallments", as_of=due)
    o = front("GetOrder", order_id=o.order_id).order
    check(ran.captured == 1 and again.captured == 0 and
          o.payments[0].captured.minor_units == want[0] + want[1],
          f"RunInstallments on {due}: the second taken once ({ran.captured}, then {again.captured})")


def every_payment_method(run, admin, front_door_as, tea, kettle, address):
    """A call center taking every method: line changes, a free delivery tier,
    a gift card, a check, on account as a percent of the total, a card for
    the rest; customer search; a catalog request."""
    call_centers = admin["callcenter.order.v1.CallCenterService"]
    customers = admin["callcenter.order.v1.CustomerService"]
    payments = admin["callcenter.payment.v1.PaymentService"]
    selling = admin["callcenter.guidedselling.v1.GuidedSellingService"]
    cc_id, cashier = f"py-cc-all-{run}", f"py-cashier-{run}"
    call_centers("UpsertCallCenter", call_center={
        "call_center_id": cc_id, "name": "Every method", "currency": "USD",
        "payment_methods": ["PAYMENT_METHOD_CARD", "PAYMENT_METHOD_CHECK",
                            "PAYMENT_METHOD_ON_ACCOUNT", "PAYMENT_METHOD_GIFT_CARD"],
        "delivery_modes": [f"GROUND-{run}"], "order_completion_enabled": True,
        "directed_selling_enabled": True, "min_fraud_score": 100})
    call_centers("UpsertUser", user={"user_id": cashier, "call_center_id": cc_id})
    customer = f"py-c-trade-{run}"
    customers("UpsertCustomer", customer={
        "customer_id": customer, "name": f"Zed Trader {run}", "email": f"zed-{run}@example.com",
        "delivery_address": address, "allow_on_account": True, "credit_limit": usd(10000)})
    found = customers("SearchCustomers", query=f"zED tRADER {run}"[:12], page_size=5)
    check(customer in [c.customer_id for c in found.customers],
          "SearchCustomers: a case-insensitive name prefix finds the customer")
    card = f"GC{run}".upper()
    payments("UpsertGiftCard", gift_card={"gift_card_number": card, "balance": usd(5000)})

    front = front_door_as(cashier)
    o = front("StartOrder", request_id=f"r-{run}-t-start", call_center_id=cc_id,
              customer_id=customer).order
    oid = o.order_id
    o = front("AddLine", request_id=f"r-{run}-t-l1", order_id=oid, product_id=kettle,
              quantity=2).order
    o = front("UpdateLineQuantity", request_id=f"r-{run}-t-q", order_id=oid,
              line_id=o.lines[0].line_id, quantity=3).order
    o = front("AddLine", request_id=f"r-{run}-t-l2", order_id=oid, product_id=tea,
              quantity=1).order
    o = front("RemoveLine", request_id=f"r-{run}-t-rm", order_id=oid,
              line_id=o.lines[1].line_id).order
    o = front("SetDelivery", request_id=f"r-{run}-t-d", order_id=oid,
              delivery_mode=f"GROUND-{run}", address=address).order
    # 3 x 40.00 = 120.00: the 100.00-and-over tier delivers free; 8% tax.
    amounts = (o.subtotal.minor_units, o.charges_total.minor_units, o.tax_total.minor_units,
               o.total.minor_units)
    check(amounts == (12000, 0, 960, 12960),
          f"quantity changed, a line removed, free delivery tier: {amounts}")
    o = front("AddPayment", request_id=f"r-{run}-t-gc", order_id=oid,
              method="PAYMENT_METHOD_GIFT_CARD", gift_card_number=card, amount=usd(5000)).order
    check(o.payments[-1].status == 2 and o.balance_due.minor_units == 7960,
          "gift card for its whole balance: authorised")
    code, _ = code_of(lambda: front("AddPayment", request_id=f"r-{run}-t-gc2", order_id=oid,
                                    method="PAYMENT_METHOD_GIFT_CARD", gift_card_number=card,
                                    amount=usd(100)))
    check(code == grpc.StatusCode.FAILED_PRECONDITION, "an empty gift card: FAILED_PRECONDITION")
    code, detail = code_of(lambda: front("AddPayment", request_id=f"r-{run}-t-chk0",
                                         order_id=oid, method="PAYMENT_METHOD_CHECK",
                                         amount=usd(1000)))
    check(code == grpc.StatusCode.INVALID_ARGUMENT and "check_number" in detail,
          f"a check without its number: INVALID_ARGUMENT naming it ({detail})")
    o = front("AddPayment", request_id=f"r-{run}-t-chk", order_id=oid,
              method="PAYMENT_METHOD_CHECK", check_number="1001", amount=usd(1000)).order
    o = front("AddPayment", request_id=f"r-{run}-t-acct", order_id=oid,
              method="PAYMENT_METHOD_ON_ACCOUNT", percent_of_total_bp=5000).order
    check(o.payments[-1].amount.minor_units == 6480 and o.balance_due.minor_units == 480,
          "on account for 50% of 129.60: 64.80, within the credit limit")
    o = front("AddPayment", request_id=f"r-{run}-t-card", order_id=oid,
              method="PAYMENT_METHOD_CARD", card_token="tok_test_4242").order
    summary = front("GetOrderSummary", order_id=oid).order
    check(summary.paid_total.minor_units == 12960 and summary.balance_due.minor_units == 0,
          "GetOrderSummary: four payments cover the total")
    o = front("SubmitOrder", request_id=f"r-{run}-t-submit", order_id=oid).order
    check(o.status == 3, "submitted with four methods: CONFIRMED")

    selling("UpsertSourceCode", source_code={"source_code": f"SPRING-{run}",
                                             "catalog_id": f"CAT-{run}"})
    asked = front("RequestCatalog", request_id=f"r-{run}-t-cat", customer_id=customer,
                  source_code=f"SPRING-{run}", quantity=2).catalog_request
    check(asked.quantity == 2 and asked.customer_id == customer and asked.requested_on,
          "RequestCatalog: recorded with its date")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    listed = selling("ListCatalogRequests", since=today, page_size=100).catalog_requests
    check(asked.catalog_request_id in [r.catalog_request_id for r in listed],
          "ListCatalogRequests lists it for fulfilment")


if __name__ == "__main__":
    sys.exit(main())
