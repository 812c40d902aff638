#include "libs/tls/tls.h"

#include <fstream>

#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace callcenter::tls {
namespace {

bool Readable(const std::string& path) {
  std::ifstream in(path);
  return in.good();
}

std::shared_ptr<grpc::experimental::FileWatcherCertificateProvider> Provider(const Files& files) {
  return std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key_file, files.cert_file, files.ca_file, files.refresh_seconds);
}

}  // namespace

Files Read(Config* config) {
  Files files;
  files.cert_file = config->String("TLS_CERT_FILE", "");
  files.key_file = config->String("TLS_KEY_FILE", "");
  files.ca_file = config->String("TLS_CA_FILE", "");
  files.require_client_cert = config->Bool("TLS_REQUIRE_CLIENT_CERT", true);
  if (files.cert_file.empty() != files.key_file.empty()) {
    config->Invalid("TLS_CERT_FILE",
                    "TLS_CERT_FILE and TLS_KEY_FILE go together (set both or neither)");
  }
  using Setting = std::pair<const char*, const std::string&>;
  for (const auto& [name, path] : {Setting{"TLS_CERT_FILE", files.cert_file},
                                   Setting{"TLS_KEY_FILE", files.key_file},
                                   Setting{"TLS_CA_FILE", files.ca_file}}) {
    if (!path.empty() && !Readable(path)) config->Invalid(name, "\"" + path + "\" cannot be read");
  }
  return files;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const Files& files) {
  if (!files.serves_tls()) return grpc::InsecureServerCredentials();
  grpc::experimental::TlsServerCredentialsOptions options(Provider(files));
  options.watch_identity_key_cert_pairs();
  if (files.calls_with_tls() && files.require_client_cert) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const Files& files) {
  if (!files.calls_with_tls()) return grpc::InsecureChannelCredentials();
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(Provider(files));
  options.watch_root_certs();
  if (files.serves_tls()) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace callcenter::tls
