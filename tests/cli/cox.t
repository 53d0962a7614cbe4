# obsurv cox: exit codes, messages and caveats (numbers: tests/golden/cox).

case cox help
run cox --help
exit 0
stdout usage: obsurv cox
end

case cox text output like summary(coxph)
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog"
exit 0
stdout n= 227, number of events= 164
stdout Likelihood ratio test=
stdout Concordance=
stderr 1 of 228 rows dropped
end

case cox json warnings hold the dropped rows
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + ph.ecog" --format json
exit 0
stdout "warnings":["1 of 228 rows dropped
stderr-empty
end

case cox csv coefficient table
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --format csv
exit 0
stdout term,coef,se,robust_se,z,p,hr,hr_lower,hr_upper
stdout "sex",-0.513
end

case cox no events is exit 1
run cox --data @TESTS@/cli/data/cox_noevents.csv --formula "Surv(time, status) ~ x"
exit 1
stdout-empty
stderr no events
end

case cox bad ties
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age" --ties cox
exit 2
stdout-empty
stderr --ties
end

case cox bad conf level
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age" --conf-level 95
exit 2
stdout-empty
stderr --conf-level
end

case cox weights with exact ties refused
run cox --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ age" --weights rx --ties exact
exit 2
stdout-empty
stderr --weights cannot be combined with --ties exact
end

case cox unknown column
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ agee"
exit 2
stdout-empty
stderr agee
end

case cox binary response refused
run cox --data @DATA@/lung.csv --formula "status ~ age"
exit 2
stdout-empty
end

case cox monotone likelihood warns, exit 0
run cox --data @TESTS@/golden/data/cox_separation.csv --formula "Surv(time, status) ~ x + z"
exit 0
stdout number of events= 23
stderr coefficient may be infinite
end

case cox monotone likelihood warning in json
run cox --data @TESTS@/golden/data/cox_separation.csv --formula "Surv(time, status) ~ x + z" --format json
exit 0
stdout coefficient may be infinite
stderr-empty
end

case cox collinear column is aliased
run cox --data @TESTS@/golden/data/cox_lung_extra.csv --formula "Surv(time, status) ~ age + sex + age2" --format json
exit 0
stdout {"term":"age2","coef":null,"se":null
stdout aliased
end

case cox collinear warning in text mode
run cox --data @TESTS@/golden/data/cox_lung_extra.csv --formula "Surv(time, status) ~ age + sex + age2"
exit 0
stdout age2
stderr aliased
end

case cox fractional weights imply robust
run cox --data @TESTS@/golden/data/cox_lung_extra.csv --formula "Surv(time, status) ~ age + sex" --weights fw --format json
exit 0
stdout "robust":true
stdout "robust_score":
end

case cox out file
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age" --format json --out @TMP@/cox.json
exit 0
stdout-empty
end

case cox residuals csv
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --residuals martingale
exit 0
stdout row,martingale
stdout 1,0.00
end

case cox schoenfeld residuals csv with time
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --residuals schoenfeld --format csv
exit 0
stdout row,time,"age","sex"
end

case cox residuals to a file
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age" --residuals dfbeta --out @TMP@/dfbeta.csv
exit 0
stdout-empty
end

case cox bad residual type
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age" --residuals pearson
exit 2
stdout-empty
stderr --residuals
end

case cox score residuals refused with exact ties
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age" --ties exact --residuals score
exit 2
stdout-empty
stderr not available with ties exact
end

case cox robust refused with exact ties
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + cluster(inst)" --ties exact
exit 2
stdout-empty
stderr not available with ties exact
end

case cox zph text table
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --zph km
exit 0
stdout Test of proportional hazards
stdout GLOBAL
end

case cox bad zph transform
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age" --zph spline
exit 2
stdout-empty
stderr --zph
end

case cox predict text
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --predict @TESTS@/golden/data/cox_nd_predict_lung.csv
exit 0
stdout Predicted survival, profile 2
end

case cox predict csv
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --predict @TESTS@/golden/data/cox_nd_predict_lung.csv --format csv
exit 0
stdout profile,strata,time,n_risk,n_event,n_censor,surv,std_err,lower,upper
end

case cox predict newdata lacks a covariate
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + ph.ecog" --predict @TESTS@/golden/data/cox_nd_predict_lung.csv
exit 2
stdout-empty
stderr column "ph.ecog" is missing
end

case cox predict newdata with an unknown level
run cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + celltype" --predict @TESTS@/cli/data/cox_nd_badlevel.csv
exit 2
stdout-empty
stderr level "giant" is not in the data
end

case cox predict file missing
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age" --predict @TMP@/nope.csv
exit 2
stdout-empty
end

case cox null model
run cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ 1"
exit 0
stdout Null model
stdout log likelihood= -749.9098
end
