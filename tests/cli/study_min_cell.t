# study_min_cell.t — disclosure control in obsurv study (report: min_cell N;
# src/study_disclosure.c).  Counts from 1 to N-1 are hidden ("<N"), counts
# that would reveal one by subtraction too ("*"); the summary and the
# warnings follow.  results.json, the CSV files and the page are checked in
# tests/unit/test_study_min_cell.c (every count member of results.json).
#
# The NELM spec with min_cell 50 is written into @TMP@ by a command
# substitution in the run line (run_cli.sh evaluates it as shell words).

case the simulated registry for the cases below
run simulate nelm --seed 164 --out @TMP@/nelm.csv
exit 0
end

case nelm without min_cell shows every count
run study @TESTS@/../examples/nelm/study.yaml --data @TMP@/nelm.csv --out @TMP@/nelm0
exit 0
stdout 753 rows read, 0 excluded, 753 analysed (IAT 414, surgery 339); 374 matched
stderr cox model "surgical patients": 33 of 339 rows dropped (missing values)
stderr 119 of 306 patients of arm surgery were not matched
end

case nelm with min_cell 50 hides small counts in the warnings
run study $(sed 's/min_cell: 0}/min_cell: 50}/' @TESTS@/../examples/nelm/study.yaml >@TMP@/nelm50.yaml && echo @TMP@/nelm50.yaml) --data @TMP@/nelm.csv --out @TMP@/nelm50
exit 0
stdout 753 rows read, 0 excluded, 753 analysed (IAT 414, surgery 339); 374 matched
stderr cox model "surgical patients": <50 of 339 rows dropped (missing values)
stderr * of * patients of arm surgery were not matched
end

case nelm with min_cell 200 hides the patients without a score
run study $(sed 's/min_cell: 0}/min_cell: 200}/' @TESTS@/../examples/nelm/study.yaml >@TMP@/nelm200.yaml && echo @TMP@/nelm200.yaml) --data @TMP@/nelm.csv --out @TMP@/nelm200
exit 0
stderr <200 patients have no propensity score (a covariate is missing)
stdout Hormonally active, surgery                           28%           hidden
end

case lung with min_cell 10 hides the two patients without a score
run study @TESTS@/cli/data/study_min_cell.yaml --data @DATA@/lung.csv --out @TMP@/lung10
exit 0
stdout 228 rows read, 0 excluded, 228 analysed (1 138, 2 90)
stderr <10 patients have no propensity score (a covariate is missing)
end

case lung with min_cell 300 hides every count in the summary
run study $(sed 's/min_cell: 10}/min_cell: 300}/' @TESTS@/cli/data/study_min_cell.yaml >@TMP@/lung300.yaml && echo @TMP@/lung300.yaml) --data @DATA@/lung.csv --out @TMP@/lung300
exit 0
stdout <300 rows read, 0 excluded, <300 analysed (1 <300, 2 <300)
end

case --min-cell on the command line does what report: min_cell does
run study @TESTS@/../examples/nelm/study.yaml --data @TMP@/nelm.csv --out @TMP@/nelm50cli --min-cell 50
exit 0
stdout 753 rows read, 0 excluded, 753 analysed (IAT 414, surgery 339); 374 matched
stderr cox model "surgical patients": <50 of 339 rows dropped (missing values)
stderr * of * patients of arm surgery were not matched
end

case --min-cell must be a whole number from 0
run study @TESTS@/../examples/nelm/study.yaml --data @TMP@/nelm.csv --out @TMP@/nelmbad --min-cell -1
exit 2
stdout-empty
stderr --min-cell: expected a whole number from 0 to 1e9, got -1
end
