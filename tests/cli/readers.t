# Input formats chosen by content (obsurv/reader.h) and `obsurv import`.
# The format files come from tests/r/formats.R; fmt_* are hostile fixtures.

case km reads a Stata file
run km --data @TESTS@/golden/formats/lung.dta --formula "Surv(time, status) ~ sex" --format json
exit 0
stdout "name":"sex=1"
end

case a SQLite query
run km --data @TESTS@/golden/formats/shared.sqlite --query "SELECT time, status FROM lung WHERE sex = 2" --formula "Surv(time, status) ~ 1" --format json
exit 0
stdout "n":90
end

case several tables: the error lists them
run km --data @TESTS@/golden/formats/shared.sqlite --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr several tables (lalonde, lung, ovarian, veteran)
end

case unknown table
run km --data @TESTS@/golden/formats/shared.sqlite --table lungs --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr no table "lungs"
end

case a query that writes is refused
run km --data @TESTS@/golden/formats/shared.sqlite --query "DROP TABLE lung" --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr SELECT
end

case --table with a CSV file
run km --data @DATA@/lung.csv --table lung --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr need a SQLite database
end

case truncated Stata file
run km --data @TESTS@/cli/data/fmt_truncated.dta --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_truncated.dta: not a readable Stata file
end

case Stata header only
run km --data @TESTS@/cli/data/fmt_header_only.dta --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_header_only.dta
end

case Stata file declaring 2^31-1 rows
run km --data @TESTS@/cli/data/fmt_huge_rows.dta --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_huge_rows.dta: declares 2147483647 rows
end

case Stata file declaring 65535 variables
run km --data @TESTS@/cli/data/fmt_huge_cols.dta --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_huge_cols.dta
end

case CSV text named .dta
run km --data @TESTS@/cli/data/fmt_csv_as.dta --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_csv_as.dta: not a Stata file (wrong magic bytes)
end

case truncated SPSS file
run km --data @TESTS@/cli/data/fmt_truncated.sav --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_truncated.sav: not a readable SPSS file
end

case SPSS file declaring 2^31-1 cases
run km --data @TESTS@/cli/data/fmt_huge_rows.sav --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_huge_rows.sav: declares 2147483647 rows
end

case SPSS wrong magic
run km --data @TESTS@/cli/data/fmt_wrong_magic.sav --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_wrong_magic.sav: not a SPSS file (wrong magic bytes)
end

case empty SPSS file
run km --data @TESTS@/cli/data/fmt_empty.sav --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr the file is empty
end

case truncated XPORT file
run km --data @TESTS@/cli/data/fmt_truncated.xpt --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_truncated.xpt: not a readable SAS XPORT file
end

case truncated SAS7BDAT file
run km --data @TESTS@/cli/data/fmt_truncated.sas7bdat --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_truncated.sas7bdat: not a readable SAS7BDAT file
end

case truncated SQLite file
run km --data @TESTS@/cli/data/fmt_truncated.sqlite --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_truncated.sqlite
end

case SQLite bad page size
run km --data @TESTS@/cli/data/fmt_bad_page.sqlite --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr fmt_bad_page.sqlite: not a readable SQLite database
end

case text named .sqlite
run km --data @TESTS@/cli/data/fmt_wrong_magic.sqlite --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr not a SQLite file (wrong magic bytes)
end

# ---- import ------------------------------------------------------------

case import help
run import --help
exit 0
stdout --center NAME FILE
end

case import needs --into
run import --center a @DATA@/ovarian.csv
exit 2
stdout-empty
stderr missing --into
end

case import --center needs two words
run import --center a --into @TMP@/x.sqlite
exit 2
stdout-empty
stderr --center needs a name and a file
end

case import three centers, three formats
run import --center lund @TESTS@/golden/formats/ovarian.dta --center bergen @TESTS@/golden/formats/ovarian.sav --center umea @TESTS@/golden/formats/ovarian.xpt --into @TMP@/reg.sqlite --format json
exit 0
stdout "rows":78
stdout "registry_rows":78
stdout "center":"umea"
end

case the registry feeds km by center
run km --data @TMP@/reg.sqlite --table registry --formula "Surv(futime, fustat) ~ center" --format json
exit 0
stdout "name":"center=bergen"
stdout "n":26
end

case import refuses a file already imported
run import --center lund2 @TESTS@/golden/formats/ovarian.dta --into @TMP@/reg.sqlite
exit 2
stdout-empty
stderr already imported
end

case import refuses the same file twice in one call
run import --center a @DATA@/lung.csv --center b @DATA@/lung.csv --into @TMP@/reg2.sqlite
exit 2
stdout-empty
stderr the same file as
end

case import schema mismatch names both files and the column
run import --center a @TESTS@/golden/formats/ovarian.dta --center b @TESTS@/golden/formats/veteran.dta --into @TMP@/reg3.sqlite
exit 2
stdout-empty
stderr veteran.dta: no column "futime", which
stderr ovarian.dta
end

case import into a non-database
run import --center a @DATA@/ovarian.csv --into @TESTS@/cli/data/fmt_wrong_magic.sqlite
exit 2
stdout-empty
stderr fmt_wrong_magic.sqlite
end
