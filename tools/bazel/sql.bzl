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
