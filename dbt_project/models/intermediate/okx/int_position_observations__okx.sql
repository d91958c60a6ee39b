-- Every observation of an own OKX position in the shape of core.positions (and its added
-- perpetual columns). Sizes in base units, signs as CONTRACT §4 wants them:
--   position_side: `long`/`short` as sent in long/short mode; in net mode from the sign of pos
--     (derivatives), for MARGIN from posCcy (base = long, quote = short); a closing row (pos 0)
--     keeps the side of the position it closes.
--   quantity: |pos| in base units: contracts × ctVal × ctMult when ctVal is in the base currency
--     (linear), ÷ the entry price when it is in the quote (inverse, ctVal USD); MARGIN pos is in
--     posCcy (base as is, quote ÷ entry price). NULL when the instrument was never observed.
--   fees_paid = -fee, funding_paid = -fundingFee (OKX: negative = charged), so positive = paid.
with positions as (
    select * from {{ ref('stg_okx__positions') }}
),

instruments as (
    select distinct on (inst_id)
        inst_id,
        base_ccy,
        ct_val,
        coalesce(ct_mult, 1) as ct_mult,
        ct_val_ccy
    from {{ ref('stg_okx__instruments') }}
    order by inst_id asc, observed_at desc
),

sided as (
    select
        positions.*,
        case
            when positions.pos_side in ('long', 'short') then positions.pos_side
            when positions.inst_type = 'MARGIN' and positions.pos <> 0
                then case
                    when positions.pos_ccy = split_part(positions.inst_id, '-', 1) then 'long'
                    else 'short'
                end
            when positions.pos > 0 then 'long'
            when positions.pos < 0 then 'short'
        end as signed_side
    from positions
),

carried as (
    -- a net-mode closing row (pos 0) takes the side of the latest earlier row that had one
    select
        *,
        count(signed_side) over by_time as side_group
    from sided
    window by_time as (
        partition by account, inst_id, mgn_mode, pos_side order by observed_at
    )
),

resolved as (
    select
        *,
        first_value(signed_side) over (
            partition by account, inst_id, mgn_mode, pos_side, side_group order by observed_at
        ) as position_side
    from carried
),

sized as (
    select
        resolved.*,
        case
            when resolved.inst_type = 'MARGIN'
                then case
                    when resolved.pos_ccy = split_part(resolved.inst_id, '-', 1) then abs(resolved.pos)
                    when resolved.avg_px > 0 then abs(resolved.pos) / resolved.avg_px
                end
            when instruments.ct_val is null then null
            when instruments.ct_val_ccy = split_part(resolved.inst_id, '-', 1)
                then abs(resolved.pos) * instruments.ct_val * instruments.ct_mult
            when resolved.avg_px > 0
                then abs(resolved.pos) * instruments.ct_val * instruments.ct_mult / resolved.avg_px
        end as quantity
    from resolved
    left join instruments on resolved.inst_id = instruments.inst_id
)

select
    'okx' as venue,
    account,
    inst_id as market_id,
    position_side as outcome,
    quantity,
    quantity * avg_px as cost,
    realized_pnl,
    -fee as fees_paid,
    observed_at,
    position_side,
    avg_px as entry_price,
    mark_px as mark_price,
    upl as unrealized_pnl,
    lever as leverage,
    liq_px as liquidation_price,
    coalesce(margin, imr) as margin,
    -funding_fee as funding_paid,
    inst_type,
    mgn_mode,
    pos as contracts,
    loaded_at
from sized
