-- Drives the language server from a real Neovim (0.7+), the way a user's config would:
-- vim.lsp.start_client + buf_attach_client, no plugins. Opens one descriptor, waits (with
-- a deadline) until the diagnostics Neovim shows carry the expected rule ids, hovers a
-- workload's name, writes what it saw as JSON and quits.
--
-- Inputs come from the environment (set by test/nvim/neovim.test.ts):
--   WP_SERVER  path of dist/server.js      WP_ROOT  the workspace folder
--   WP_FILE    the descriptor to open       WP_OUT   where to write the JSON result
--   WP_LINE, WP_COL  0-based position of the workload name to hover
--   WP_EXPECT  the expected rule ids, sorted and comma-separated
--   WP_TIMEOUT_MS  the deadline for each wait
--   WP_MODE    'start' (default): start and attach the client here; 'config': a user
--              configuration loaded before this script does it (docs/other-editors.md)

local env = vim.env
local out_path = env.WP_OUT
local timeout = tonumber(env.WP_TIMEOUT_MS or '30000')
local result = { errors = {}, nvim = vim.version() }

local function write_result()
  vim.fn.writefile({ vim.json.encode(result) }, out_path)
end

local function rule_of(d)
  -- Neovim 0.8+ copies the LSP code to `code`; 0.7 keeps it in user_data.lsp.
  if d.code ~= nil then return d.code end
  if d.user_data and d.user_data.lsp then return d.user_data.lsp.code end
  return nil
end

local function codes_of(diags)
  local seen, list = {}, {}
  for _, d in ipairs(diags) do
    local c = rule_of(d)
    if c ~= nil and not seen[c] then
      seen[c] = true
      table.insert(list, tostring(c))
    end
  end
  table.sort(list)
  return table.concat(list, ',')
end

local function start_here()
  local initialized = false
  local client_id = vim.lsp.start_client({
    name = 'workload-placement',
    cmd = { 'node', env.WP_SERVER, '--stdio' },
    root_dir = env.WP_ROOT,
    on_init = function() initialized = true end,
    on_error = function(code, err) table.insert(result.errors, 'client error ' .. tostring(code) .. ': ' .. vim.inspect(err)) end,
  })
  if not client_id then error('vim.lsp.start_client returned nil') end
  result.initialized = vim.wait(timeout, function() return initialized end, 20)
  if not result.initialized then error('the server did not answer initialize within the deadline') end

  vim.cmd('edit ' .. vim.fn.fnameescape(env.WP_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  return bufnr, client_id
end

-- The user's configuration attaches the client when the file is opened.
local function started_by_config()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.WP_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local client
  result.initialized = vim.wait(timeout, function()
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if c.name == 'workload-placement' and c.initialized ~= false then client = c end
    end
    return client ~= nil
  end, 20)
  if not client then error('no workload-placement client attached to the buffer within the deadline') end
  result.root_dir = client.config.root_dir
  return bufnr, client.id
end

local function run()
  local bufnr, client_id
  if env.WP_MODE == 'config' then bufnr, client_id = started_by_config()
  else bufnr, client_id = start_here() end

  -- The fleet spans several files: wait for the complete set, not the first publication.
  local expected = env.WP_EXPECT or ''
  result.settled = vim.wait(timeout, function()
    local diags = vim.diagnostic.get(bufnr)
    return #diags > 0 and codes_of(diags) == expected
  end, 20)

  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      rule = rule_of(d),
      line = d.lnum,
      col = d.col,
      severity = d.severity,
      message = d.message,
      source = d.source,
    })
  end

  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = tonumber(env.WP_LINE), character = tonumber(env.WP_COL) },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, timeout)
  local hover = responses and responses[client_id]
  if hover and hover.err then table.insert(result.errors, 'hover error: ' .. vim.inspect(hover.err)) end
  if hover and hover.result and hover.result.contents then
    local c = hover.result.contents
    -- MarkupContent, MarkedString or a list of MarkedStrings.
    if type(c) == 'string' then result.hover = c
    elseif c.value then result.hover = c.value
    else
      local parts = {}
      for _, p in ipairs(c) do table.insert(parts, type(p) == 'string' and p or p.value) end
      result.hover = table.concat(parts, '\n')
    end
  end

  vim.lsp.stop_client(client_id)
  result.stopped = vim.wait(timeout, function() return vim.lsp.client_is_stopped(client_id) end, 20)
end

local ok, err = pcall(run)
if not ok then table.insert(result.errors, tostring(err)) end
write_result()
vim.cmd(ok and 'qall!' or 'cquit 1')
