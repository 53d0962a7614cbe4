# obsurv logit: exit codes, messages, warnings.  Numbers: tests/golden/logit.

case logit help
run logit --help
exit 0
stdout usage: obsurv logit
stdout --conf-level
end

case logit text output
run logit --data @DATA@/lalonde.csv --formula "treat ~ age + educ + race"
exit 0
stdout Coefficients:
stdout racewhite
stdout Residual deviance
stdout AUC
end

case logit response not 0/1
run logit --data @TESTS@/golden/data/logit_bad_response.csv --formula "y ~ x"
exit 2
stdout-empty
stderr obsurv: error:
end

case logit unknown column
run logit --data @DATA@/lalonde.csv --formula "treat ~ age + nosuch"
exit 2
stdout-empty
stderr nosuch
end

case logit missing formula
run logit --data @DATA@/lalonde.csv
exit 2
stdout-empty
stderr --formula
end

case logit bad conf level
run logit --data @DATA@/lalonde.csv --formula "treat ~ age" --conf-level 2
exit 2
stdout-empty
stderr --conf-level
end

case logit separation warns and names the term
run logit --data @TESTS@/golden/data/logit_separation.csv --formula "y ~ x + z"
exit 0
stdout Coefficients:
stderr fitted probabilities numerically 0 or 1 occurred
stderr coefficient of x may be infinite
end

case logit separation in json
run logit --data @TESTS@/golden/data/logit_separation.csv --formula "y ~ x" --format json
exit 0
stdout "warnings":[
stdout numerically 0 or 1
end

case logit aliased column is null
run logit --data @TESTS@/golden/data/lalonde_alias.csv --formula "treat ~ educ + educ2" --format json
exit 0
stdout {"term":"educ2","coef":null
stdout not defined because of singularities
end

case logit dropped rows are counted
run logit --data @TESTS@/golden/data/lung_logit.csv --formula "female ~ age + wt.loss" --format json
exit 0
stdout "n_dropped":14
stdout rows dropped
end
