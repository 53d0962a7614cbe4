# obsurv logrank: output shapes and error paths.

case logrank text prints survdiff's table
run logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex"
exit 0
stdout N Observed Expected (O-E)^2/E (O-E)^2/V
stdout Chisq= 10.3  on 1 degrees of freedom, p= 0.001
end

case logrank stratified, rows dropped
run logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex + strata(ph.ecog)" --format json
exit 0
stdout "n_dropped":1
stdout "strata":[{"name":"ph.ecog=0"
end

case logrank csv one row per group
run logrank --data @DATA@/veteran.csv --formula "Surv(time, status) ~ celltype" --rho 1 --format csv
exit 0
stdout group,n,observed,expected,oe2_over_e,oe2_over_v,chisq,df,p
stdout celltype=squamous,35,
end

case logrank no groups
run logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ 1"
exit 2
stdout-empty
stderr no groups to test
end

case logrank unknown column
run logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ nosuch"
exit 2
stdout-empty
stderr unknown column "nosuch"
end

case logrank bad event code
run logrank --data @DATA@/lung.csv --formula "Surv(time, ph.ecog) ~ sex"
exit 2
stdout-empty
stderr lung.csv:8: column "ph.ecog"
end

case logrank missing --formula
run logrank --data @DATA@/lung.csv
exit 2
stdout-empty
stderr option --formula is required
end

case logrank bad --rho
run logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --rho one
exit 2
stdout-empty
stderr option --rho: expected a number
end

case logrank unknown option
run logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --conf-type log
exit 2
stdout-empty
stderr unknown option '--conf-type'
end
