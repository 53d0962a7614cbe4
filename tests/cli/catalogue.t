# catalogue.t — the bad-input catalogue (issue 8: hostile input and trust).
#
# obsurv reads files from other people's systems and its numbers go into
# papers: whatever the input, it must not crash, must not read out of
# bounds, and must not give an answer while silently ignoring part of the
# data.  Each case is an input (tests/catalogue/data/), a command and the
# expected outcome:
#   exit 2  bad data or usage: a message naming the place (file:line,
#           column or term), nothing on standard output;
#   exit 1  a model that cannot be fitted, with the reason;
#   exit 0  an answer, with a warning for every caveat (rows dropped, a
#           coefficient that may be infinite, an aliased term).
# The large inputs (a 100 MB field, 10,000 columns, a long pipe under a
# memory cap) are generated at test time by tests/catalogue/large.sh.

# ---------------------------------------------------------------- CSV

case ragged row names the line and both field counts
run km --data @TESTS@/catalogue/data/ragged.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr ragged.csv:4: expected 3 fields (as in the header), found 4
end

case unclosed quote names the line where it opened
run km --data @TESTS@/catalogue/data/unclosed.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr unclosed.csv:3: unclosed quote
end

case NUL byte inside a quoted field
run km --data @TESTS@/catalogue/data/nul_quoted.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr nul_quoted.csv:3: NUL byte
end

case invalid UTF-8 in a column name names the column position
run km --data @TESTS@/catalogue/data/utf8_header.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr utf8_header.csv:1: column 3: name is not valid UTF-8
end

case overlong UTF-8 encoding in a value names line and column
run km --data @TESTS@/catalogue/data/utf8_overlong.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr utf8_overlong.csv:4: column "grp": value is not valid UTF-8
end

case BOM with CRLF and quoted CRLF inside a field works
run km --data @TESTS@/catalogue/data/bom_crlf.csv --formula "Surv(time, status) ~ grp" --format json
exit 0
stdout "n_dropped":0
stdout "name":"grp=a\nb","n":2
stdout "name":"grp=c","n":2
stderr-empty
end

case BOM with CRLF on standard input works
stdin @TESTS@/catalogue/data/bom_crlf.csv
run km --data - --formula "Surv(time, status) ~ 1" --format json
exit 0
stdout "n":4,"events":3
end

case empty file
run km --data @TESTS@/catalogue/data/empty.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr empty.csv:1: empty file
end

case blank lines only is an empty file
run km --data @TESTS@/catalogue/data/blank_lines.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr blank_lines.csv:1: empty file
end

case header only gives no rows to fit
run km --data @TESTS@/catalogue/data/header_only.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr header_only.csv
stderr 0 rows
end

case empty standard input
run km --data - --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr empty file
end

case duplicate column names name both positions
run km --data @TESTS@/catalogue/data/dupname.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr dupname.csv:1: duplicate column name "status" (columns 2 and 4)
end

case text in a numeric column used as a time names the column and the value
run km --data @TESTS@/catalogue/data/text_time.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr column "time" is a time in Surv() but is not numeric (
stderr text_time.csv:4: "7 months" is not a number)
end

case text in a numeric column used as a time (cox)
run cox --data @TESTS@/catalogue/data/text_time.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr column "time"
end

case a number that overflows a double is not a survival time
run km --data @TESTS@/catalogue/data/overflow_time.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr overflow_time.csv:3: column "time": survival time must be a finite number >= 0, got Inf
end

case overflowing time in logrank
run logrank --data @TESTS@/catalogue/data/overflow_time.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr overflow_time.csv:3: column "time"
end

case negative time names the row
run km --data @TESTS@/catalogue/data/negative_time.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr negative_time.csv:4: column "time": survival time must be a finite number >= 0, got -7
end

case negative time in cox
run cox --data @TESTS@/catalogue/data/negative_time.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr negative_time.csv:4: column "time"
end

case NaN time is missing: dropped and reported, never silent
run km --data @TESTS@/catalogue/data/nan_time.csv --formula "Surv(time, status) ~ grp" --format json
exit 0
stdout "n_dropped":1
stdout 1 of 5 rows dropped
end

case NaN time warns on standard error in text mode
run km --data @TESTS@/catalogue/data/nan_time.csv --formula "Surv(time, status) ~ grp"
exit 0
stderr 1 of 5 rows dropped
end

case stop equal to start in counting-process data
run cox --data @TESTS@/catalogue/data/stop_eq_start.csv --formula "Surv(start, stop, status) ~ x"
exit 2
stdout-empty
stderr stop_eq_start.csv:5: stop time must be after start time (start = 4, stop = 4)
end

case stop equal to start in km
run km --data @TESTS@/catalogue/data/stop_eq_start.csv --formula "Surv(start, stop, status) ~ 1"
exit 2
stdout-empty
stderr stop_eq_start.csv:5
end

case event code 3 is outside R's codings
run km --data @TESTS@/catalogue/data/event_3.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr event_3.csv:4: column "status": event must be 0/1, 1/2 or TRUE/FALSE, got 3
end

case event code -1 is outside R's codings
run logrank --data @TESTS@/catalogue/data/event_minus1.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr event_minus1.csv:3: column "status": event must be 0/1, 1/2 or TRUE/FALSE, got -1
end

case event given as yes/no text
run cox --data @TESTS@/catalogue/data/event_text.csv --formula "Surv(time, status) ~ grp"
exit 2
stdout-empty
stderr event_text.csv:2: column "status": event must be 0/1, 1/2 or TRUE/FALSE
end

# ---------------------------------------------------------------- formulas

case formula with unbalanced parenthesis names the column
run km --data @DATA@/lung.csv --formula "Surv(time, status ~ sex"
exit 2
stdout-empty
stderr unbalanced parenthesis at column 5
end

case formula with an extra closing parenthesis
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age)"
exit 2
stdout-empty
stderr unbalanced parenthesis at column 25
end

case formula with a trailing operator
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age +"
exit 2
stdout-empty
stderr unexpected end of formula
end

case formula with a trailing interaction
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex:"
exit 2
stdout-empty
stderr unexpected end of formula
end

case formula with a doubled operator
run logit --data @DATA@/lalonde.csv --formula "treat ~ age + * educ"
exit 2
stdout-empty
stderr column 15
end

case formula with nothing on the right
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~"
exit 2
stdout-empty
stderr nothing on the right of "~"
end

case formula without a tilde
run km --data @DATA@/lung.csv --formula "Surv(time, status)"
exit 2
stdout-empty
stderr missing "~"
end

case formula with an unknown column names it
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + weight"
exit 2
stdout-empty
stderr unknown column "weight"
end

case formula with an unknown column in the response
run km --data @DATA@/lung.csv --formula "Surv(days, status) ~ 1"
exit 2
stdout-empty
stderr unknown column "days"
end

case Surv with one argument
run km --data @DATA@/lung.csv --formula "Surv(time) ~ sex"
exit 2
stdout-empty
stderr Surv() takes (time, event) or (start, stop, event), got 1 argument
end

case Surv with four arguments
run cox --data @DATA@/lung.csv --formula "Surv(inst, time, status, sex) ~ age"
exit 2
stdout-empty
stderr got 4 arguments
end

case Surv on the right-hand side
run cox --data @DATA@/lung.csv --formula "time ~ Surv(time, status)"
exit 2
stdout-empty
stderr Surv() belongs on the left
end

case a survival command given a plain response
run km --data @DATA@/lung.csv --formula "status ~ sex"
exit 2
stdout-empty
stderr Surv
end

case an expression inside a function is refused
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ log(age + 1)"
exit 2
stdout-empty
stderr column 30
end

case a hostile a*b*c*... chain is refused quickly
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ a1*a2*a3*a4*a5*a6*a7*a8*a9*a10*a11*a12*a13*a14*a15*a16*a17*a18*a19*a20*a21*a22*a23*a24*a25*a26*a27*a28*a29*a30"
exit 2
stdout-empty
stderr too many terms
end

case deeply nested parentheses are refused
run cox --data @DATA@/lung.csv --formula "$(printf 'Surv(time, status) ~ '; printf '(%.0s' $(seq 1 300); printf 'age'; printf ')%.0s' $(seq 1 300))"
exit 2
stdout-empty
stderr nested too deeply
end

# ---------------------------------------------------------------- models

case binary response 0/1/2 (logit) names the row
run logit --data @TESTS@/catalogue/data/binary_012.csv --formula "y ~ x"
exit 2
stdout-empty
stderr binary_012.csv:4: column "y": response must be 0/1 or TRUE/FALSE, got 2
end

case binary treatment 0/1/2 (match) names the row
run match --data @TESTS@/catalogue/data/binary_012.csv --formula "y ~ x"
exit 2
stdout-empty
stderr binary_012.csv:4: column "y"
end

case no events: cox cannot be fitted
run cox --data @TESTS@/catalogue/data/no_events.csv --formula "Surv(time, status) ~ x"
exit 1
stdout-empty
stderr no events
end

case no events: km is the flat curve S = 1
run km --data @TESTS@/catalogue/data/no_events.csv --formula "Surv(time, status) ~ g" --format json
exit 0
stdout "events":0
end

case separation in logit: an answer with a warning
run logit --data @TESTS@/catalogue/data/separation.csv --formula "y ~ x" --format json
exit 0
stdout separation
end

case separation in the propensity model of match warns
run match --data @TESTS@/catalogue/data/separation.csv --formula "y ~ x"
exit 0
stderr separation
end

case monotone likelihood in cox: an answer with a warning
run cox --data @TESTS@/catalogue/data/cox_monotone.csv --formula "Surv(time, status) ~ x" --format json
exit 0
stdout "converged":false
stdout did not converge
end

case collinear covariates in cox: aliased term is null with a warning
run cox --data @TESTS@/catalogue/data/collinear.csv --formula "Surv(time, status) ~ x1 + x2" --format json
exit 0
stdout "term":"x2","coef":null
stdout aliased
end

case collinear covariates in logit: aliased term is null with a warning
run logit --data @TESTS@/catalogue/data/collinear.csv --formula "y ~ x1 + x2" --format json
exit 0
stdout "term":"x2","coef":null
stdout aliased
end

case single-level factor in cox
run cox --data @TESTS@/catalogue/data/single_level.csv --formula "Surv(time, status) ~ g"
exit 2
stdout-empty
stderr term "g": contrasts can be applied only to factors with 2 or more levels
end

case single-level factor in logrank has nothing to compare
run logrank --data @TESTS@/catalogue/data/single_level.csv --formula "Surv(time, status) ~ g"
exit 2
stdout-empty
stderr only one group
end

case single-level factor in km is one curve
run km --data @TESTS@/catalogue/data/single_level.csv --formula "Surv(time, status) ~ g" --format json
exit 0
stdout "name":"g=a","n":4
end

case a group with one row in km
run km --data @TESTS@/catalogue/data/stratum_one_row.csv --formula "Surv(time, status) ~ g" --format json
exit 0
stdout "name":"g=c","n":1
end

case a stratum with one row in the stratified log-rank test
run logrank --data @TESTS@/catalogue/data/stratum_one_row.csv --formula "Surv(time, status) ~ g + strata(s)" --format json
exit 0
stdout "chisq":
end

case a group with one row in table1 warns that the test is undefined
run table1 --data @TESTS@/catalogue/data/stratum_one_row.csv --by g --vars time
exit 0
stderr time: no P value
end

case classic Mac line ends (CR only) are refused, never misread
run km --data @TESTS@/catalogue/data/cr_only.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr cr_only.csv:1: carriage return without a line feed in field 2
end

case no events: log-rank test has no P value and says so
run logrank --data @TESTS@/catalogue/data/no_events.csv --formula "Surv(time, status) ~ g" --format json
exit 0
stdout "p":null
stdout no P value: 0 degrees of freedom
end

case an infinite covariate (cox) names the row and the term
run cox --data @TESTS@/catalogue/data/inf_covariate.csv --formula "Surv(time, status) ~ x"
exit 2
stdout-empty
stderr inf_covariate.csv:3: column "x": value is infinite (Inf) in term "x"
end

case an infinite covariate (logit) is bad data, not an unfittable model
run logit --data @TESTS@/catalogue/data/inf_covariate.csv --formula "y ~ log(x)"
exit 2
stdout-empty
stderr inf_covariate.csv:3: column "x": value is infinite (Inf) in term "log(x)"
end

case an infinite value in a table1 variable names the row
run table1 --data @TESTS@/catalogue/data/inf_covariate.csv --by y --vars x
exit 2
stdout-empty
stderr inf_covariate.csv:3: column "x": value is infinite (Inf)
end

case an infinite value is a level when it groups curves
run km --data @TESTS@/catalogue/data/inf_covariate.csv --formula "Surv(time, status) ~ x" --format json
exit 0
stdout "name":"x=Inf"
end

# ---------------------------------------------------------------- study spec

case study spec with a key given twice names the line
run study @TESTS@/catalogue/data/spec_duplicate_key.yaml --out @TMP@/study
exit 2
stdout-empty
stderr spec_duplicate_key.yaml:4: duplicate key "outcome"
end

case study spec with malformed YAML
run study @TESTS@/catalogue/data/spec_malformed.yaml --out @TMP@/study
exit 2
stdout-empty
stderr spec_malformed.yaml
stderr malformed YAML
end

case study spec with an absurd seed
run study @TESTS@/catalogue/data/spec_huge_seed.yaml --out @TMP@/study
exit 2
stdout-empty
stderr spec_huge_seed.yaml:4: seed: expected a whole number from 0 to 2^53
end

# ---------------------------------------------------------------- unused columns
# The CLI parses only the columns a model uses; the file's structure is
# still checked everywhere, so a broken row is never skipped silently.

case an unclosed quote in a column the model does not use
run km --data @TESTS@/catalogue/data/unclosed_unused.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr unclosed_unused.csv:4: unclosed quote in field 3
end

case a ragged row whose extra field the model does not use
run cox --data @TESTS@/catalogue/data/ragged_unused.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr ragged_unused.csv:4: expected 3 fields (as in the header), found 4
end

case a header with a space after the comma: the name keeps it
run km --data @TESTS@/catalogue/data/space_in_header.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr unknown column "status"
end
