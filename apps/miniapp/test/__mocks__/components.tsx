/**
 * @tarojs/components as plain DOM elements, enough for NutUI and our pages in jsdom. Unknown
 * components render as <div>.
 */
import { createElement, forwardRef, type ReactNode } from 'react';

type AnyProps = Record<string, unknown> & { children?: ReactNode; className?: string };

// Taro-only props that must not reach the DOM.
const DROP = new Set([
  'hoverClass',
  'hoverStyle',
  'hoverStayTime',
  'openType',
  'formType',
  'placeholderClass',
  'confirmType',
  'catchMove',
  'mode',
  'focus',
  'password',
  'maxlength',
  'onGetPhoneNumber',
  'onInput',
  'onConfirm',
  'nativeProps',
  // ScrollView (NutUI's Tabs) and Text
  'enableFlex',
  'scrollX',
  'scrollY',
  'scrollLeft',
  'scrollTop',
  'enhanced',
  'showScrollbar',
  'scrollWithAnimation',
  'selectable',
  'userSelect',
  // Taro's camel-cased accessibility props (NutUI's Switch)
  'ariaRole',
  'ariaChecked',
  'ariaDisabled',
  'ariaLabel',
]);

function domProps(props: AnyProps): AnyProps {
  const out: AnyProps = {};
  for (const [key, value] of Object.entries(props)) {
    if (!DROP.has(key)) out[key] = value;
  }
  return out;
}

function element(tag: string, name: string) {
  const Component = forwardRef<HTMLElement, AnyProps>((props, ref) =>
    createElement(tag, { ...domProps(props), ref, 'data-taro': name }, props.children as ReactNode),
  );
  Component.displayName = name;
  return Component;
}

export const View = element('div', 'View');
export const Text = element('span', 'Text');
export const ScrollView = element('div', 'ScrollView');
export const Picker = element('div', 'Picker');

export const Image = forwardRef<HTMLImageElement, AnyProps>((props, ref) =>
  createElement('img', {
    ...domProps(props),
    ...(props.nativeProps as AnyProps | undefined),
    ref,
    'data-taro': 'Image',
    'data-mode': props.mode,
  }),
);
Image.displayName = 'Image';

export const Button = forwardRef<HTMLButtonElement, AnyProps>((props, ref) =>
  createElement(
    'button',
    { ...domProps(props), ref, type: 'button', 'data-taro': 'Button', 'data-open-type': props.openType },
    props.children as ReactNode,
  ),
);
Button.displayName = 'Button';

export const Input = forwardRef<HTMLInputElement, AnyProps>((props, ref) => {
  const onInput = props.onInput as ((event: unknown) => void) | undefined;
  return createElement('input', {
    ...domProps(props),
    ref,
    'data-taro': 'Input',
    // as Taro's h5 <input>: its `digit` is a number field, and nativeProps land on the element last
    type: props.password ? 'password' : props.type === 'digit' ? 'number' : (props.type ?? 'text'),
    ...(props.nativeProps as AnyProps | undefined),
    maxLength: props.maxlength,
    value: props.value ?? '',
    onChange: (event: { target: HTMLInputElement }) =>
      onInput?.({ detail: { value: event.target.value }, target: event.target }),
  });
});
Input.displayName = 'Input';
