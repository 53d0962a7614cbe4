# obsurv match / weight / balance: exit codes, messages, files written.
# Pairs and balance against MatchIt: tests/golden/match.

case match help
run match --help
exit 0
stdout usage: obsurv match
stdout --nearest-rule
end

case match text output
run match --data @DATA@/lalonde.csv --formula "treat ~ age + educ + race + married + nodegree + re74 + re75"
exit 0
stdout matched
stdout SMD before
end

case match response not 0/1
run match --data @TESTS@/golden/data/logit_bad_response.csv --formula "y ~ x"
exit 2
stdout-empty
stderr obsurv: error:
end

case match bad ratio
run match --data @DATA@/lalonde.csv --formula "treat ~ age" --ratio 0
exit 2
stdout-empty
stderr --ratio
end

case match bad order
run match --data @DATA@/lalonde.csv --formula "treat ~ age" --order sideways
exit 2
stdout-empty
stderr --order
end

case match bad caliper
run match --data @DATA@/lalonde.csv --formula "treat ~ age" --caliper -1
exit 2
stdout-empty
stderr --caliper
end

case match unknown exact column
run match --data @DATA@/lalonde.csv --formula "treat ~ age" --exact nosuch
exit 2
stdout-empty
stderr nosuch
end

case match no control in the caliper: zero pairs, warning, exit 0
run match --data @TESTS@/golden/data/match_small.csv --formula "treat ~ x" --caliper 0 --nearest-rule exact --format json
exit 0
stdout "n_treated_matched":0
stdout "pairs":[]
stdout zero pairs
end

case match missing covariates dropped and counted
run match --data @TESTS@/golden/data/match_small.csv --formula "treat ~ x" --format json
exit 0
stdout "n":6
stdout "n_dropped":2
stdout rows dropped
end

case match id column names the pairs
run match --data @TESTS@/golden/data/match_small.csv --formula "treat ~ x" --id g --format json
exit 0
stdout "treated":"
end

case match caliper under the MatchIt rule warns
run match --data @DATA@/lalonde.csv --formula "treat ~ age + educ" --caliper 0.1
exit 0
stderr truncated to whole numbers
end

case match writes matched rows, love plot
run match --data @DATA@/lalonde.csv --formula "treat ~ age + educ + race + married + nodegree + re74 + re75" --ratio 2 --matched @TMP@/m.csv --love-plot @TMP@/love.svg
exit 0
end

case balance on the matched rows
run balance --data @TMP@/m.csv --formula "treat ~ age + educ + race + married + nodegree + re74 + re75" --weights weights --format json
exit 0
stdout "term":"re74"
stdout "smd_after"
end

case love plot is svg
run balance --data @TMP@/m.csv --formula "treat ~ age + educ" --love-plot @TMP@/love2.svg
exit 0
stdout SMD before
end

case optimal refuses replace
run match --data @DATA@/lalonde.csv --formula "treat ~ age" --method optimal --replace
exit 2
stdout-empty
stderr --method optimal
end

case weight writes the weights column
run weight --data @DATA@/lalonde.csv --formula "treat ~ age + educ" --stabilize --weights-out @TMP@/w.csv --format json
exit 0
stdout "estimand":"ATE"
stdout "stabilized":true
end

case weight bad trim
run weight --data @DATA@/lalonde.csv --formula "treat ~ age" --trim 0.9,0.1
exit 2
stdout-empty
stderr --trim
end

case weight bad estimand
run weight --data @DATA@/lalonde.csv --formula "treat ~ age" --estimand atc
exit 2
stdout-empty
stderr --estimand
end

case balance needs a binary response
run balance --data @TESTS@/golden/data/logit_bad_response.csv --formula "y ~ x"
exit 2
stdout-empty
end
