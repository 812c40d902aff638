"""Compiles versioned SQL migration files into a C++ library."""

def sql_migrations(name, srcs, function):
    """Defines cc_library `name` with `const std::vector<Migration>& function()`.

    Args:
      name: target name.
      srcs: NNNN_description.sql files; NNNN is the version.
      function: name of the generated accessor in namespace callcenter::migrations.
    """
    native.genrule(
        name = name + "_embed",
        srcs = srcs,
        outs = [name + ".cc", name + ".h"],
        cmd = """
set -e
H=$(location {name}.h)
C=$(location {name}.cc)
cat > $$H <<EOT
#pragma once
#include <vector>
#include "libs/db/migrate.h"
namespace callcenter::migrations {{
const std::vector<callcenter::db::Migration>& {function}();
}}
EOT
{{
echo '#include "{header}"'
echo 'namespace callcenter::migrations {{'
echo 'const std::vector<callcenter::db::Migration>& {function}() {{'
echo '  static const auto* kMigrations = new std::vector<callcenter::db::Migration>{{'
for f in $(SRCS); do
  base=$$(basename $$f .sql)
  version=$$(echo $$base | sed 's/_.*//' | sed 's/^0*//')
  echo "    {{$$version, \\"$$base\\", R\\"__SQL__("
  cat $$f
  echo ')__SQL__"}},'
done
echo '  }};'
echo '  return *kMigrations;'
echo '}}'
echo '}}'
}} > $$C
""".format(name = name, function = function, header = "%s/%s.h" % (native.package_name(), name)),
    )
    native.cc_library(
        name = name,
        srcs = [name + ".cc"],
        hdrs = [name + ".h"],
        deps = ["//libs/db:migrate"],
        visibility = ["//visibility:public"],
    )

def sql_queries(name, srcs, namespace):
    """Defines cc_library `name` with one db::Query per SQL file.

    queries/order_get.sql becomes `inline constexpr db::Query kOrderGet{"order_get", "..."}`
    in `namespace` (header <package>/<name>.h): the statement's name is its
    file's, and it is prepared on its first use on each connection.

    Args:
      name: target name (and header name).
      srcs: the .sql files, one statement each (comments allowed).
      namespace: C++ namespace of the constants, e.g. "callcenter::order::queries".
    """
    native.genrule(
        name = name + "_embed",
        srcs = srcs,
        outs = [name + ".h"],
        cmd = """
set -e
{{
echo '#pragma once'
echo '// Generated from the package SQL files by sql_queries (tools/bazel/sql.bzl).'
echo '#include "libs/db/pool.h"'
echo 'namespace {namespace} {{'
for f in $(SRCS); do
  base=$$(basename $$f .sql)
  constant=k$$(echo $$base | sed -r 's/(^|_)([a-z0-9])/\\U\\2/g')
  echo "inline constexpr callcenter::db::Query $$constant{{\\"$$base\\", R\\"__SQL__("
  cat $$f
  echo ')__SQL__"}};'
done
echo '}}'
}} > $@
""".format(namespace = namespace),
    )
    native.cc_library(
        name = name,
        hdrs = [name + ".h"],
        deps = ["//libs/db:pool"],
        visibility = ["//visibility:public"],
    )
