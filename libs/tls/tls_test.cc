#include "libs/tls/tls.h"

#include <cstdlib>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/grpcclient/channel.h"
#include "libs/server/host.h"

namespace callcenter::tls {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// A CA, a server certificate for "localhost", a client certificate from the
// same CA and one from another CA, made once with the openssl command.
class Certificates {
 public:
  static const Certificates& Get() {
    static const Certificates* certificates = new Certificates();
    return *certificates;
  }
  std::string Path(const std::string& name) const { return absl::StrCat(dir_, "/", name); }
  bool ok() const { return ok_; }

 private:
  Certificates() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = absl::StrCat(tmp ? tmp : "/tmp", "/tls_test_certificates");
    std::ofstream script(dir_ + ".sh");
    script << "set -e; rm -rf '" << dir_ << "'; mkdir -p '" << dir_ << "'; cd '" << dir_ << "'\n"
           << "key='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
           << "ca() { openssl req -x509 $key -keyout $1.key -out $1.crt -days 2 -subj /CN=$1; }\n"
           << "leaf() {\n"
           << "  openssl req $key -keyout $1.key -out $1.csr -subj /CN=$1\n"
           << "  echo \"subjectAltName=$3\" > $1.ext\n"
           << "  openssl x509 -req -in $1.csr -CA $2.crt -CAkey $2.key -CAcreateserial \\\n"
           << "    -out $1.crt -days 2 -extfile $1.ext\n"
           << "}\n"
           << "ca ca; ca rogue-ca\n"
           << "leaf server ca DNS:localhost\n"
           << "leaf client ca DNS:orchestration\n"
           << "leaf rogue rogue-ca DNS:orchestration\n"
           << "leaf rogue-server rogue-ca DNS:localhost\n";
    script.close();
    ok_ = std::system(absl::StrCat("sh '", dir_, ".sh' >'", dir_, ".log' 2>&1").c_str()) == 0;
  }

  std::string dir_;
  bool ok_ = false;
};

Files ServerFiles(bool require_client_cert) {
  const Certificates& c = Certificates::Get();
  return Files{c.Path("server.crt"), c.Path("server.key"), c.Path("ca.crt"), require_client_cert};
}

Files ClientFiles(const std::string& name, const std::string& ca = "ca") {
  const Certificates& c = Certificates::Get();
  Files f;
  f.ca_file = c.Path(ca + ".crt");
  if (!name.empty()) {
    f.cert_file = c.Path(name + ".crt");
    f.key_file = c.Path(name + ".key");
  }
  return f;
}

// The health check's answer over `channel`, or the error's code name.
std::string Check(const std::shared_ptr<grpc::Channel>& channel, const std::string& service = "") {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  HealthCheckRequest req;
  req.set_service(service);
  HealthCheckResponse resp;
  grpc::Status s = Health::NewStub(channel)->Check(&ctx, req, &resp);
  if (!s.ok()) return absl::StrCat("error ", s.error_code());
  return HealthCheckResponse::ServingStatus_Name(resp.status());
}

class TlsTest : public ::testing::Test {
 protected:
  void Serve(const Files& files, bool with_probe = false) {
    ASSERT_TRUE(Certificates::Get().ok()) << "openssl could not make the test certificates";
    server::HostOptions options;
    options.service = "test";
    options.listen_address = "127.0.0.1:0";
    options.credentials = ServerCredentials(files);
    if (with_probe) options.probe_address = "127.0.0.1:0";
    options.drain_delay = absl::ZeroDuration();
    options.shutdown_grace = absl::Seconds(1);
    host_ = std::make_unique<server::ServiceHost>(options);
    ASSERT_TRUE(host_->Start().ok());
  }

  std::shared_ptr<grpc::Channel> Channel(const Files& client,
                                         const std::string& host = "localhost") {
    return grpcclient::NewIdempotentServiceChannel(absl::StrCat(host, ":", host_->port()),
                                                   "grpc.health.v1.Health", {},
                                                   ChannelCredentials(client));
  }

  std::unique_ptr<server::ServiceHost> host_;
};

TEST_F(TlsTest, MutualTlsAdmitsOnlyCallersWithACertificateFromTheCa) {
  Serve(ServerFiles(/*require_client_cert=*/true));
  EXPECT_EQ(Check(Channel(ClientFiles("client"))), "SERVING");
  const std::string unavailable = absl::StrCat("error ", grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(Channel(ClientFiles(""))), unavailable) << "no client certificate";
  EXPECT_EQ(Check(Channel(ClientFiles("rogue", "ca"))), unavailable) << "another CA's client";
  EXPECT_EQ(Check(grpc::CreateChannel(absl::StrCat("localhost:", host_->port()),
                                      grpc::InsecureChannelCredentials())),
            unavailable)
      << "plaintext";
}

TEST_F(TlsTest, TheClientChecksTheServersCertificateAndName) {
  Serve(ServerFiles(/*require_client_cert=*/true));
  // The server's certificate names "localhost", not "127.0.0.1".
  const std::string unavailable = absl::StrCat("error ", grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(Channel(ClientFiles("client"), "127.0.0.1")), unavailable);
  // A client trusting only another CA refuses the server.
  Files other = ClientFiles("client");
  other.ca_file = Certificates::Get().Path("rogue-ca.crt");
  EXPECT_EQ(Check(Channel(other)), unavailable);
}

TEST_F(TlsTest, ServerOnlyTlsWhenClientCertificatesAreNotRequired) {
  Serve(ServerFiles(/*require_client_cert=*/false));
  EXPECT_EQ(Check(Channel(ClientFiles(""))), "SERVING");
}

TEST_F(TlsTest, TheProbeListenerIsPlaintextAndFollowsReadiness) {
  Serve(ServerFiles(/*require_client_cert=*/true), /*with_probe=*/true);
  ASSERT_GT(host_->probe_port(), 0);
  auto probe = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->probe_port()),
                                   grpc::InsecureChannelCredentials());
  EXPECT_EQ(Check(probe), "SERVING");
  EXPECT_EQ(Check(probe, server::kReadinessService), "NOT_SERVING");
  host_->SetReady(true);
  EXPECT_EQ(Check(probe, server::kReadinessService), "SERVING");
  EXPECT_EQ(Check(Channel(ClientFiles("client")), server::kReadinessService), "SERVING");
}

TEST_F(TlsTest, ARenewedCertificateIsServedWithoutARestart) {
  ASSERT_TRUE(Certificates::Get().ok());
  // The mounted files, first holding a certificate the client does not trust.
  const std::string dir = Certificates::Get().Path("mounted");
  ASSERT_EQ(std::system(absl::StrCat("mkdir -p '", dir, "'").c_str()), 0);
  auto install = [&](const std::string& name) {
    // As the kubelet updates a Secret volume: new files, then a rename.
    for (const char* ext : {".crt", ".key"}) {
      const std::string to = absl::StrCat(dir, "/tls", ext);
      ASSERT_EQ(std::system(absl::StrCat("cp '", Certificates::Get().Path(name + ext), "' '", to,
                                         ".new' && mv '", to, ".new' '", to, "'")
                                .c_str()),
                0);
    }
  };
  install("rogue-server");
  Files files{dir + "/tls.crt", dir + "/tls.key", Certificates::Get().Path("ca.crt"), true};
  files.refresh_seconds = 1;
  Serve(files);
  auto channel = Channel(ClientFiles("client"));
  EXPECT_EQ(Check(channel), absl::StrCat("error ", grpc::StatusCode::UNAVAILABLE));
  install("server");  // renewed, from the CA the client trusts
  std::string status;
  for (int i = 0; i < 50 && status != "SERVING"; ++i) {
    absl::SleepFor(absl::Milliseconds(200));
    status = Check(Channel(ClientFiles("client")));
  }
  EXPECT_EQ(status, "SERVING");
}

TEST(TlsConfigTest, CertificateAndKeyGoTogetherAndFilesMustBeReadable) {
  std::map<std::string, std::string> env = {{"TLS_CERT_FILE", "/nonexistent/tls.crt"},
                                            {"TLS_CA_FILE", "/nonexistent/ca.crt"}};
  Config config([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  Files files = Read(&config);
  EXPECT_TRUE(files.serves_tls());
  const std::string message(config.status().message());
  EXPECT_NE(message.find("TLS_KEY_FILE go together"), std::string::npos) << message;
  EXPECT_NE(message.find("\"/nonexistent/tls.crt\" cannot be read"), std::string::npos) << message;
  EXPECT_NE(message.find("\"/nonexistent/ca.crt\" cannot be read"), std::string::npos) << message;
}

TEST(TlsConfigTest, NothingSetMeansPlaintext) {
  Config config([](const char*) -> const char* { return nullptr; });
  Files files = Read(&config);
  EXPECT_FALSE(files.serves_tls());
  EXPECT_FALSE(files.calls_with_tls());
  EXPECT_TRUE(config.status().ok());
}

}  // namespace
}  // namespace callcenter::tls
