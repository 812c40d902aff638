#ifndef CALLCENTER_LIBS_TLS_TLS_H_
#define CALLCENTER_LIBS_TLS_TLS_H_

#include <memory>
#include <string>

#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "libs/config/config.h"

namespace callcenter::tls {

// The certificate files of one service, PEM, as mounted from a Kubernetes
// Secret (cert-manager's tls.crt, tls.key, ca.crt). Every file is watched
// and re-read when it changes, so a renewed certificate needs no restart.
struct Files {
  std::string cert_file;  // this service's certificate chain
  std::string key_file;   // its private key
  std::string ca_file;    // the CA bundle that signs the peers' certificates
  // Inbound: with a CA, callers must present a certificate it signed.
  bool require_client_cert = true;
  // How often the files are checked for a renewed certificate.
  unsigned int refresh_seconds = 60;

  bool serves_tls() const { return !cert_file.empty(); }
  bool calls_with_tls() const { return !ca_file.empty(); }
};

// Reads TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE and
// TLS_REQUIRE_CLIENT_CERT (default true). All empty = plaintext (local runs
// and tests). Certificate and key go together, and every file named must be
// readable; problems are recorded in `config`.
Files Read(Config* config);

// The listener's credentials: plaintext without a certificate; TLS with one;
// mutual TLS (the caller's certificate required and checked against the
// CA) when a CA is given and require_client_cert holds.
std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const Files& files);

// A client's credentials: plaintext without a CA; with one, TLS that checks
// the server's certificate against the CA and the target's host name, and
// presents this service's own certificate when it has one (mutual TLS).
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const Files& files);

}  // namespace callcenter::tls

#endif  // CALLCENTER_LIBS_TLS_TLS_H_
