"""The commented starter workload file written by ``tokencost init`` (a test plans it as written)."""

STARTER = """\
# tokencost workload file: describe your traffic once, then run
#   tokencost plan workload.yaml                  # ranked candidates, forecast, assumptions
#   tokencost plan workload.yaml --format json    # the baseline `tokencost check` compares against
#   tokencost report workload.yaml --out report.html
# Anything you leave out is assumed, and every assumption is printed with the plan.
version: 1
currency: USD              # every cost is shown in this currency (other sheets convert at dated FX rates)
# start: 2027-01-01        # first month of the forecast (default: the 1st of next month)
horizon_months: 12         # months to forecast

# Fields every workload inherits unless it sets them itself.
defaults:
  cache_hit_ratio: 0.2     # share of input tokens read from the prompt cache (0-1)
  cache: {ttl: 5m, writes_per_window: 1}   # the cached prefix rewritten once per 5-minute window (or write_ratio)
  growth: 5%               # traffic growth, compounding ...
  growth_per: month        # ... per month or per week

# Models to compare: ids, or selectors vendor:NAME, capability:NAME, all. The current model is always priced.
candidates:
  - gpt-5.4-mini
  - claude-haiku-4.5
  - gemini-2.5-flash
  - vendor:deepseek

# Candidates that break a constraint are listed separately, with the reason.
constraints:
  capabilities: [tools]    # tools, reasoning, vision, json_mode, structured_output, open_weights, prompt_caching, ...
  # min_context: 128000    # the largest request always has to fit; this raises the floor
  # allow_vendors: [openai, anthropic, google, deepseek]
  # deny_vendors: []
  # open_weights: true
  # regions: [eu]          # the provider must serve from one of these

# Used by `tokencost check` in CI (amounts per month, in `currency`).
budgets:
  monthly_total: 2000
  # per_workload: {support-bot: 1500}

# policies:                # also for `tokencost check`
#   block_unknown_models: true
#   require_exact_counts: false
#   max_price_per_mtok: {input: 5, output: 20}
#   denied_vendors: []

workloads:
  - name: support-bot
    model: gpt-5.4-mini            # what it runs on today
    requests_per_day: 20000        # or requests_per_week / requests_per_month
    # The input, one of:
    input_tokens: 1200             #   average prompt tokens per request (incl. cached) ...
    counted_with: o200k_base       #   ... as counted by this tokenizer (converted for the others)
    # prompt: prompts/*.txt        #   or real prompts (path or glob, relative to this file), counted per tokenizer
    # messages: chat.jsonl         #   or OpenAI-format chat requests (a JSONL log: one sample per line)
    output_tokens: 300             # average output tokens per request
    # reasoning_tokens: 0          # thinking tokens per request, billed as output unless priced apart
    # batch_share: 0               # share of requests sent through the batch API (0-1)
"""
