# Hostile and unusual CSV files through the CLI: exit 2, a file:line message,
# nothing on standard output (tests/cli/data/csv_*.csv).

case ragged row
run km --data @TESTS@/cli/data/csv_ragged.csv --formula "Surv(a, b) ~ 1"
exit 2
stdout-empty
stderr csv_ragged.csv:4: expected 3 fields
end

case NUL byte
run km --data @TESTS@/cli/data/csv_nul.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr csv_nul.csv:3: NUL byte
end

case invalid UTF-8
run km --data @TESTS@/cli/data/csv_latin1.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr csv_latin1.csv:3: column "grp": value is not valid UTF-8
end

case unclosed quote
run km --data @TESTS@/cli/data/csv_unclosed.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr csv_unclosed.csv:3: unclosed quote
end

case duplicate column name
run km --data @TESTS@/cli/data/csv_dupname.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr csv_dupname.csv:1: duplicate column name "time"
end

case empty file
run km --data @TESTS@/cli/data/csv_empty.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr csv_empty.csv:1: empty file
end

case header only: no rows to fit
run km --data @TESTS@/cli/data/csv_header_only.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
end

case missing file
run km --data @TMP@/no_such_file.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr no_such_file.csv
end

case standard input with BOM and CRLF works
stdin @TESTS@/cli/data/csv_bom_crlf.csv
run km --data - --formula "Surv(time, status) ~ 1" --format json
exit 0
stdout "n_risk":[3,2,1]
end
