# obsurv km: output shapes and error paths (exit 2, a message naming the
# place, nothing on standard output).

case km text prints the print(fit) header and the summary table
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex"
exit 0
stdout n events median 0.95LCL 0.95UCL
stdout sex=1 138    112    270     212     310
stdout time n.risk n.event survival std.err lower 95% CI upper 95% CI
stderr-empty
end

case km json carries the contract keys
run km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --times 365 --format json
exit 0
stdout "conf_type":"log"
stdout "n_dropped":0
stdout "median_upper":
stdout "at":[{"time":365
stdout "warnings":[]
end

case km csv has one row per stratum and time
run km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --format csv
exit 0
stdout strata,time,n_risk,n_event,n_censor,surv,std_err,lower,upper
stdout rx=2,1129,
end

case km dropped rows warn on stderr and count in json
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ ph.ecog" --format json
exit 0
stdout "n_dropped":1
stdout "warnings":["1 of 228 rows dropped
end

case km unknown column
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ nosuch"
exit 2
stdout-empty
stderr unknown column "nosuch"
end

case km bad event code names file, line and column
run km --data @DATA@/lung.csv --formula "Surv(time, ph.ecog) ~ sex"
exit 2
stdout-empty
stderr lung.csv:8: column "ph.ecog"
end

case km missing --formula
run km --data @DATA@/lung.csv
exit 2
stdout-empty
stderr option --formula is required
end

case km bad --conf-type
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --conf-type loglog
exit 2
stdout-empty
stderr --conf-type must be log, log-log or plain, not 'loglog'
end

case km bad --conf-level
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --conf-level 95
exit 2
stdout-empty
stderr --conf-level must be between 0 and 1
end

case km bad --times
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --times 100,abc
exit 2
stdout-empty
stderr option --times: expected numbers separated by commas, got "abc"
end

case km non-finite --times
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --times 100,inf
exit 2
stdout-empty
stderr is not a finite time
end

case km negative weights
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --weights wt.loss
exit 2
stdout-empty
stderr column "wt.loss"
end

case km response not Surv
run km --data @DATA@/lung.csv --formula "age ~ sex"
exit 2
stdout-empty
stderr Surv(time, event)
end

case km help
run km --help
exit 0
stdout usage: obsurv km
stdout --conf-type
end
