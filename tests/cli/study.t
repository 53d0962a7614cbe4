# obsurv study: spec errors name the YAML line (exit 2, nothing on stdout);
# a successful run prints the summary and the published comparison.

case study on lung writes the report and prints the summary
run study @TESTS@/cli/data/study_lung.yaml --data @DATA@/lung.csv --out @TMP@/lung
exit 0
stdout 228 rows read, 0 excluded, 228 analysed (1 138, 2 90)
stdout median 270.0 (212.0-310.0) days
stdout log-rank chi-square 10.33 on 1 df
stdout Median survival, men
stdout report: @TMP@/lung/index.html
end

case study --quiet prints nothing
run study @TESTS@/cli/data/study_lung.yaml --data @DATA@/lung.csv --out @TMP@/lung2 --quiet
exit 0
stdout-empty
end

case an unknown column names the YAML line
run study @TESTS@/cli/data/study_bad_column.yaml --data @DATA@/lung.csv --out @TMP@/x
exit 2
stderr study_bad_column.yaml:5: baseline.variables: no column "weight"
stdout-empty
end

case a bad arm name names the YAML line and lists the values
run study @TESTS@/cli/data/study_bad_arm.yaml --data @DATA@/lung.csv --out @TMP@/x
exit 2
stderr study_bad_arm.yaml:4: treatment.arms: "male" is not a value of column "sex" (values: 1, 2)
stdout-empty
end

case malformed YAML names the line
run study @TESTS@/cli/data/study_malformed.yaml --data @DATA@/lung.csv --out @TMP@/x
exit 2
stderr study_malformed.yaml:3: malformed YAML
stdout-empty
end

case a bad formula names the model and its line
run study @TESTS@/cli/data/study_bad_formula.yaml --data @DATA@/lung.csv --out @TMP@/x
exit 2
stderr study_bad_formula.yaml:5: cox model "broken": formula:
stdout-empty
end

case a missing data file is exit 2
run study @TESTS@/cli/data/study_lung.yaml --data @TMP@/nope.csv --out @TMP@/x
exit 2
stdout-empty
end

case study needs --out
run study @TESTS@/cli/data/study_lung.yaml
exit 2
stderr --out
stdout-empty
end

case study needs a spec
run study --out @TMP@/x
exit 2
stderr expected one SPEC.yaml
end

case study --help shows an example
run study --help
exit 0
stdout obsurv study SPEC.yaml --out DIR
end

case a study window excludes the rows outside it and says why
run study @TESTS@/cli/data/study_window.yaml --data @DATA@/lung.csv --out @TMP@/window
exit 0
stdout 228 rows read, 66 excluded, 162 analysed
end

case the window's reason is in results.json
run study @TESTS@/cli/data/study_window.yaml --data @DATA@/lung.csv --out @TMP@/window2 --quiet
exit 0
end

case report: min_cell runs and keeps the exit status
run study @TESTS@/cli/data/study_min_cell.yaml --data @DATA@/lung.csv --out @TMP@/mincell --quiet
exit 0
stdout-empty
end
