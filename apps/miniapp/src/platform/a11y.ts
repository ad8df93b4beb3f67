/** Extra props for NutUI's <Switch>: on weapp its `ariaRole="switch"` is WeChat's own attribute. */
export const switchRole = {} as const;
